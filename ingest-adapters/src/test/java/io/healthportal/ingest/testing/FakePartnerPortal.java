package io.healthportal.ingest.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A partner lab's results portal for the poller test, on a JDK HttpServer: a login form carrying a
 * per-session CSRF token (a POST without the session cookie or with another token is refused with 403),
 * a session cookie set on login, a result list of three results a page with a {@code rel=next} link, and
 * a result page per accession laid out as {@link LabReportPages} renders them. It counts logins, refused
 * logins and every GET per path, and can answer one GET with 503 once.
 */
public final class FakePartnerPortal implements AutoCloseable {

    private static final int PER_PAGE = 3;
    private static final String COOKIE = "PORTALSESSION";

    private final HttpServer server;
    private final String username;
    private final String password;
    /** Session id → its CSRF token, and whether it has logged in. */
    private final Map<String, String> csrfTokens = new ConcurrentHashMap<>();

    private final Set<String> loggedIn = ConcurrentHashMap.newKeySet();
    private final List<Entry> results = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    private final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger refusedLogins = new AtomicInteger();

    private record Entry(String accession, String nhsNumber, boolean changedLayout) {}

    public FakePartnerPortal(int port, String username, String password) {
        this.username = username;
        this.password = password;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/login", this::login);
        server.createContext("/results", this::results);
        server.start();
    }

    /** Publishes a result (appended to the list, so on the last page). */
    public void addResult(String accession, String nhsNumber) {
        results.add(new Entry(accession, nhsNumber, false));
    }

    /** Publishes a result whose page comes in the partner's new layout (its value column renamed). */
    public void addResultInChangedLayout(String accession, String nhsNumber) {
        results.add(new Entry(accession, nhsNumber, true));
    }

    public static String resultPath(String accession) {
        return "/results/" + accession;
    }

    /** The next GET of this path is answered 503 (once). */
    public void failOnce(String path) {
        failOnce.add(path);
    }

    public int gets(String path) {
        AtomicInteger count = gets.get(path);
        return count == null ? 0 : count.get();
    }

    public int logins() {
        return logins.get();
    }

    public int refusedLogins() {
        return refusedLogins.get();
    }

    private void login(HttpExchange exchange) throws IOException {
        String session = session(exchange);
        if ("GET".equals(exchange.getRequestMethod())) {
            if (session == null) {
                session = UUID.randomUUID().toString();
                exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + session + "; Path=/; HttpOnly");
            }
            String token =
                    csrfTokens.computeIfAbsent(session, s -> UUID.randomUUID().toString());
            answer(exchange, 200, loginForm(token));
            return;
        }
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (session == null
                || !csrfTokens.containsKey(session)
                || !csrfTokens.get(session).equals(form.get("_csrf"))) {
            refusedLogins.incrementAndGet();
            answer(exchange, 403, "<html><body><p>Invalid CSRF token</p></body></html>");
            return;
        }
        if (!username.equals(form.get("username")) || !password.equals(form.get("password"))) {
            refusedLogins.incrementAndGet();
            answer(exchange, 200, loginForm(csrfTokens.get(session)));
            return;
        }
        loggedIn.add(session);
        logins.incrementAndGet();
        exchange.getResponseHeaders().add("Location", "/results");
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void results(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        String pathAndQuery = path + (query == null ? "" : "?" + query);
        gets.computeIfAbsent(pathAndQuery, p -> new AtomicInteger()).incrementAndGet();
        String session = session(exchange);
        if (session == null || !loggedIn.contains(session)) {
            exchange.getResponseHeaders().add("Location", "/login");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
        }
        if (failOnce.remove(pathAndQuery)) {
            answer(exchange, 503, "<html><body>Service unavailable</body></html>");
            return;
        }
        if (path.equals("/results")) {
            int page = query != null && query.startsWith("page=") ? Integer.parseInt(query.substring(5)) : 1;
            answer(exchange, 200, listPage(page));
            return;
        }
        String accession = path.substring("/results/".length());
        for (Entry entry : results) {
            if (entry.accession().equals(accession)) {
                answer(
                        exchange,
                        200,
                        entry.changedLayout()
                                ? LabReportPages.changedLayout(
                                        entry.nhsNumber(), "H" + accession, accession, LabReportPages.RENAL_PANEL)
                                : LabReportPages.report(
                                        entry.nhsNumber(), "H" + accession, accession, LabReportPages.RENAL_PANEL));
                return;
            }
        }
        answer(exchange, 404, "<html><body>Not found</body></html>");
    }

    private String listPage(int page) {
        StringBuilder rows = new StringBuilder();
        int from = (page - 1) * PER_PAGE;
        List<Entry> all = new ArrayList<>(results);
        for (int i = from; i < Math.min(from + PER_PAGE, all.size()); i++) {
            String accession = all.get(i).accession();
            rows.append("<tr><td><a class=\"result\" href=\"")
                    .append(resultPath(accession))
                    .append("\">")
                    .append(accession)
                    .append("</a></td><td>Urea and electrolytes</td></tr>\n");
        }
        String next = from + PER_PAGE < all.size()
                ? "<a rel=\"next\" href=\"/results?page=" + (page + 1) + "\">Next</a>"
                : "";
        return """
                <!DOCTYPE html><html><body>
                <form method="post" action="/logout"><input type="hidden" name="_csrf" value="x"><button>Sign out</button></form>
                <table class="result-list"><tr><th>Accession</th><th>Report</th></tr>
                %s</table>
                <nav>%s</nav>
                </body></html>
                """.formatted(rows, next);
    }

    private static String loginForm(String token) {
        return """
                <!DOCTYPE html><html><body>
                <form id="login" method="post" action="/login">
                  <input type="hidden" name="_csrf" value="%s">
                  <label>User <input type="text" name="username"></label>
                  <label>Password <input type="password" name="password"></label>
                  <button type="submit">Sign in</button>
                </form>
                </body></html>
                """.formatted(token);
    }

    private static String session(HttpExchange exchange) {
        List<String> cookies = exchange.getRequestHeaders().get("Cookie");
        if (cookies == null) {
            return null;
        }
        for (String header : cookies) {
            for (String cookie : header.split(";")) {
                String[] pair = cookie.strip().split("=", 2);
                if (pair.length == 2 && pair[0].equals(COOKIE)) {
                    return pair[1];
                }
            }
        }
        return null;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2) {
                fields.put(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private static void answer(HttpExchange exchange, int status, String html) throws IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
