package io.healthportal.server.fhir;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import com.zaxxer.hikari.HikariConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IPrimitiveType;

/**
 * How a server's storage settings differ from stock HAPI's, computed rather than listed by hand:
 * every getter of {@link JpaStorageSettings} against {@code new JpaStorageSettings()}, the Hibernate
 * properties against {@link HapiStockStorageTuningConfig#HIBERNATE_PROPERTIES}, and the Hikari pool
 * against {@code new HikariConfig()}.
 */
final class StorageSettingsDiff {

    /** One setting whose value differs from stock; values are rendered as text. */
    record Difference(String setting, String stock, String value) {}

    static final String UNSET = "(unset: Hibernate default)";

    /** Which database and account a pool connects to, not how it is tuned; the password never leaves. */
    private static final Set<String> HIKARI_CONNECTION_IDENTITY = Set.of(
            "jdbcUrl", "username", "password", "poolName", "driverClassName", "dataSourceClassName", "dataSourceJNDI");

    private StorageSettingsDiff() {}

    static List<Difference> jpaStorageSettings(JpaStorageSettings actual) {
        return gettersThatDiffer("JpaStorageSettings.", JpaStorageSettings.class, new JpaStorageSettings(), actual);
    }

    static List<Difference> hibernate(Map<String, String> actual, Map<String, String> stock) {
        List<Difference> differences = new ArrayList<>();
        Set<String> keys = new TreeSet<>(actual.keySet());
        keys.addAll(stock.keySet());
        for (String key : keys) {
            String stockValue = stock.containsKey(key) ? String.valueOf(stock.get(key)) : UNSET;
            String value = actual.containsKey(key) ? String.valueOf(actual.get(key)) : UNSET;
            if (!stockValue.equals(value)) {
                differences.add(new Difference(key, stockValue, value));
            }
        }
        return differences;
    }

    /** {@code actual} is a running pool (validated); stock is validated the same way before comparing. */
    static List<Difference> hikari(HikariConfig actual) {
        HikariConfig stock = new HikariConfig();
        stock.setJdbcUrl(actual.getJdbcUrl());
        stock.validate();
        return gettersThatDiffer("hikari.", HikariConfig.class, stock, actual);
    }

    private static <T> List<Difference> gettersThatDiffer(String prefix, Class<T> type, T stock, T actual) {
        List<Difference> differences = new ArrayList<>();
        Method[] getters = type.getMethods();
        Arrays.sort(getters, Comparator.comparing(Method::getName));
        for (Method getter : getters) {
            String name = propertyName(getter);
            if (name == null || (type == HikariConfig.class && !isHikariTuning(name, getter))) {
                continue;
            }
            String stockValue = render(invoke(getter, stock));
            String value = render(invoke(getter, actual));
            if (!stockValue.equals(value)) {
                differences.add(new Difference(prefix + name, stockValue, value));
            }
        }
        return differences;
    }

    private static boolean isHikariTuning(String name, Method getter) {
        Class<?> returned = getter.getReturnType();
        boolean simple = returned.isPrimitive()
                || returned == String.class
                || returned == Properties.class
                || Number.class.isAssignableFrom(returned)
                || returned == Boolean.class;
        return simple && !HIKARI_CONNECTION_IDENTITY.contains(name);
    }

    private static String propertyName(Method method) {
        if (Modifier.isStatic(method.getModifiers())
                || method.getParameterCount() != 0
                || method.getReturnType() == void.class
                || method.getDeclaringClass() == Object.class) {
            return null;
        }
        String name = method.getName();
        int prefix = name.startsWith("get") ? 3 : name.startsWith("is") ? 2 : 0;
        if (prefix == 0 || name.length() == prefix) {
            return null;
        }
        return Character.toLowerCase(name.charAt(prefix)) + name.substring(prefix + 1);
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return "(unreadable: " + e.getClass().getSimpleName() + ")";
        }
    }

    /** Text that is equal exactly when the settings are, including types without {@code equals}. */
    private static String render(Object value) {
        if (value instanceof IPrimitiveType<?> primitive) {
            return Objects.toString(primitive.getValueAsString());
        }
        if (value instanceof Properties properties) {
            Map<String, String> sorted = new TreeMap<>();
            properties
                    .stringPropertyNames()
                    .forEach(key -> sorted.put(key, maskSecret(key, properties.getProperty(key))));
            return sorted.toString();
        }
        if (value instanceof Set<?> set) {
            return new TreeSet<>(set.stream().map(String::valueOf).toList()).toString();
        }
        if (value instanceof Class<?> type) {
            return type.getName();
        }
        return String.valueOf(value);
    }

    private static String maskSecret(String key, String value) {
        String lower = key.toLowerCase();
        return lower.contains("password") || lower.contains("secret") ? "******" : value;
    }
}
