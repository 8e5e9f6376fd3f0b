package io.healthportal.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.util.OperationOutcomeUtil;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.springframework.http.HttpHeaders;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies above {@code portal.fhir.max-request-body} with 413 and an OperationOutcome:
 * at once when {@code Content-Length} says so, and while reading when a chunked body grows past it.
 * A gzip-encoded body is inflated here and counted as inflated, so a small compressed body cannot
 * expand past the limit downstream.
 */
class RequestBodyLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final FhirContext fhirContext;

    RequestBodyLimitFilter(DataSize maxRequestBody, FhirContext fhirContext) {
        this.maxBytes = maxRequestBody.toBytes();
        this.fhirContext = fhirContext;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            request.getInputStream().close();
            writeTooLarge(response);
            return;
        }
        LimitedRequest limited = new LimitedRequest(request, maxBytes);
        try {
            chain.doFilter(limited, response);
        } catch (BodyTooLargeException e) {
            if (!response.isCommitted()) {
                response.reset();
                writeTooLarge(response);
            }
        }
    }

    private void writeTooLarge(HttpServletResponse response) throws IOException {
        IBaseOperationOutcome outcome = OperationOutcomeUtil.newInstance(fhirContext);
        OperationOutcomeUtil.addIssue(
                fhirContext,
                outcome,
                "error",
                "Request body is larger than this server accepts (" + maxBytes + " bytes)",
                null,
                "too-costly");
        response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
        response.setContentType(Constants.CT_FHIR_JSON_NEW + ";charset=utf-8");
        response.setHeader("Connection", "close");
        byte[] body =
                fhirContext.newJsonParser().encodeResourceToString(outcome).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * Thrown from the wrapped stream while HAPI reads the body. It is HAPI's own 413, so HAPI renders it
     * as an OperationOutcome if it catches it first.
     */
    static final class BodyTooLargeException extends PayloadTooLargeException {
        BodyTooLargeException(long maxBytes) {
            super("Request body is larger than this server accepts (" + maxBytes + " bytes)");
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long maxBytes;
        private final boolean gzip;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
            this.gzip = "gzip".equalsIgnoreCase(request.getHeader(HttpHeaders.CONTENT_ENCODING));
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                InputStream body = super.getInputStream();
                stream = new LimitedInputStream(gzip ? new GZIPInputStream(body) : body, maxBytes);
            }
            return stream;
        }

        // Once inflated here, the body no longer has the encoding or length the client sent.
        @Override
        public String getHeader(String name) {
            return gzip && isEncodingHeader(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return gzip && isEncodingHeader(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public int getContentLength() {
            return gzip ? -1 : super.getContentLength();
        }

        @Override
        public long getContentLengthLong() {
            return gzip ? -1 : super.getContentLengthLong();
        }

        private static boolean isEncodingHeader(String name) {
            return HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name)
                    || HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name);
        }
    }

    private static final class LimitedInputStream extends ServletInputStream {
        private final InputStream delegate;
        private final long maxBytes;
        private long read;
        private boolean finished;

        LimitedInputStream(InputStream delegate, long maxBytes) {
            this.delegate = delegate;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            if (b < 0) {
                finished = true;
            } else {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            if (n < 0) {
                finished = true;
            } else {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > maxBytes) {
                throw new BodyTooLargeException(maxBytes);
            }
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        /** HAPI reads request bodies with blocking I/O only. */
        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException("non-blocking reads are not supported on /fhir");
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
