package io.healthportal.server.demo;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import io.healthportal.demo.DemoDataGenerator;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;

/**
 * Fills an empty database with the demo patients, practitioners, clinics and slots on first start.
 * It runs before the server reports ready, so the launcher prints its URLs only once the data is
 * there. A database that holds any Patient is left alone.
 */
class DemoDataLoader implements ApplicationRunner, Ordered {

    static final int ORDER = 0;

    private static final Logger log = LoggerFactory.getLogger(DemoDataLoader.class);
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    private final DemoDataProperties properties;
    private final IFhirSystemDao<Bundle, Meta> systemDao;
    private final DaoRegistry daoRegistry;

    DemoDataLoader(DemoDataProperties properties, IFhirSystemDao<Bundle, Meta> systemDao, DaoRegistry daoRegistry) {
        this.properties = properties;
        this.systemDao = systemDao;
        this.daoRegistry = daoRegistry;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (properties.patients() == 0 || hasPatients()) {
            return;
        }
        long started = System.nanoTime();
        DemoDataGenerator generator = new DemoDataGenerator(properties.seed(), LocalDate.now(LONDON));
        AtomicInteger resources = new AtomicInteger(store(generator.sharedResources()));
        generator
                .patientBundles(0, properties.patients(), properties.resourcesPerPatient())
                .forEach(bundle -> resources.addAndGet(store(bundle)));
        log.info(
                "Loaded demo data: {} patients, {} resources in {} s",
                properties.patients(),
                resources.get(),
                (System.nanoTime() - started) / 1_000_000_000);
    }

    private boolean hasPatients() {
        SearchParameterMap anyPatient = SearchParameterMap.newSynchronous().setCount(1);
        return !daoRegistry
                .getResourceDao("Patient")
                .search(anyPatient, new SystemRequestDetails())
                .isEmpty();
    }

    private int store(Bundle transaction) {
        systemDao.transaction(new SystemRequestDetails(), transaction);
        return DemoDataGenerator.resourceCount(transaction);
    }
}
