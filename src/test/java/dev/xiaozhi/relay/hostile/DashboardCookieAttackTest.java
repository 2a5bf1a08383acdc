package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.AuthFailuresConfig;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: the dashboard signs a browser in with a session cookie, which a browser sends by itself, to any page of
 * the admin port, whoever asked for the request. A forged cross-site change, a reader's cookie, an old cookie or a
 * token put in a URL must not change anything.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class DashboardCookieAttackTest {

    private static final String CSRF = "X-CSRF-Token";
    /** A little over the configured idle timeout of 2 s. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(2_200);
    private static final String EVENTS = "/admin/v1/fleet/events";
    private static final String NEW_TENANT = "{\"id\": \"%s\"}";

    @TempDir
    static Path stateDir;

    private static TestRelay relay;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        String yaml = TestRelay.yaml(stateDir, "").replace("admin:\n  port: 0\n",
                "admin:\n  port: 0\n  dashboard: {idleTimeout: 2s}\n");
        relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()));
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
    }

    /**
     * Verifies that a change by cookie needs the session's CSRF token.
     * GIVEN a browser signed in with the admin token
     * WHEN it creates a tenant by cookie with no CSRF header, with another session's, and with its own
     * THEN the first two are 403 and create nothing, the third is 201; the cookie is HttpOnly, SameSite=Strict, Path=/.
     */
    @Test
    void refusesChangesWithoutTheSessionsCsrfToken() throws Exception {
        HttpResponse<String> signedIn = signIn(TestRelay.ADMIN_TOKEN);
        String other = new JsonObject(signIn(TestRelay.ADMIN_TOKEN).body()).getString("csrf");
        String cookie = cookie(signedIn);

        int without = createTenant(cookie, null, "forged-a").statusCode();
        int wrong = createTenant(cookie, other, "forged-b").statusCode();
        int right = createTenant(cookie, new JsonObject(signedIn.body()).getString("csrf"), "by-page").statusCode();

        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(signedIn.headers().firstValue("set-cookie").orElseThrow()).containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict").contains("Path=/").doesNotContain(TestRelay.ADMIN_TOKEN);
        assertThat(without).isEqualTo(403);
        assertThat(wrong).isEqualTo(403);
        assertThat(right).isEqualTo(201);
        assertThat(get(cookie, "/admin/v1/tenants/forged-a").statusCode()).isEqualTo(404);
        assertThat(get(cookie, "/admin/v1/tenants/forged-b").statusCode()).isEqualTo(404);
    }

    /**
     * Verifies that a reader's cookie only reads.
     * GIVEN a browser signed in with the reader token
     * WHEN it reads the tenants, then creates a tenant with its own CSRF token
     * THEN the read is 200 and the change 403.
     */
    @Test
    void refusesChangesByAReadersCookie() throws Exception {
        HttpResponse<String> signedIn = signIn(TestRelay.READER_TOKEN);
        String cookie = cookie(signedIn);

        assertThat(new JsonObject(signedIn.body()).getString("role")).isEqualTo("reader");
        assertThat(get(cookie, "/admin/v1/tenants").statusCode()).isEqualTo(200);
        assertThat(createTenant(cookie, new JsonObject(signedIn.body()).getString("csrf"), "by-reader")
                .statusCode()).isEqualTo(403);
    }

    /**
     * Verifies that a cookie ends with its session.
     * GIVEN sessions that expire after 2 s idle, and two signed-in browsers
     * WHEN one signs out and the other stays idle
     * THEN the signed-out cookie is 401 at once, and the idle one is 401 once its idle time has passed (without a
     * request in between, which would keep it alive).
     */
    @Test
    void refusesSignedOutAndIdleCookies(Vertx vertx) throws Exception {
        HttpResponse<String> leaving = signIn(TestRelay.ADMIN_TOKEN);
        String idle = cookie(signIn(TestRelay.ADMIN_TOKEN));

        int signedOut = HTTP.send(request(cookie(leaving), "/ui/session").header(CSRF, new JsonObject(leaving.body())
                .getString("csrf")).DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode();

        assertThat(signedOut).isEqualTo(204);
        assertThat(get(cookie(leaving), "/admin/v1/tenants").statusCode()).isEqualTo(401);
        assertThat(get(idle, "/admin/v1/tenants").statusCode()).isEqualTo(200);
        long idleSince = System.nanoTime();
        Await.until(vertx, () -> System.nanoTime() - idleSince > IDLE_NANOS);
        assertThat(get(idle, "/admin/v1/tenants").statusCode()).isEqualTo(401);
    }

    /**
     * Verifies that no event stream outlives its session.
     * GIVEN sessions that expire after 2 s idle, and two signed-in browsers, each with the fleet's event stream open
     * WHEN one signs out and the other makes no further request
     * THEN the signed-out one's stream ends at once, the idle one's once its session has expired.
     */
    @Test
    void endsTheStreamsOfEndedSessions() throws Exception {
        HttpResponse<String> leaving = signIn(TestRelay.ADMIN_TOKEN);
        String idle = cookie(signIn(TestRelay.READER_TOKEN));
        HttpResponse<Stream<String>> leavingStream = HTTP.send(request(cookie(leaving), EVENTS).build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> idleStream = HTTP.send(request(idle, EVENTS).build(),
                HttpResponse.BodyHandlers.ofLines());
        CompletableFuture<Long> leavingEnded = CompletableFuture.supplyAsync(() -> drain(leavingStream));
        CompletableFuture<Long> idleEnded = CompletableFuture.supplyAsync(() -> drain(idleStream));

        int signedOut = HTTP.send(request(cookie(leaving), "/ui/session").header(CSRF, new JsonObject(leaving.body())
                .getString("csrf")).DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode();

        assertThat(leavingStream.statusCode()).isEqualTo(200);
        assertThat(idleStream.statusCode()).isEqualTo(200);
        assertThat(signedOut).isEqualTo(204);
        leavingEnded.get(5, TimeUnit.SECONDS);
        idleEnded.get(10, TimeUnit.SECONDS);
    }

    /**
     * Verifies that an admin token in a URL is never taken.
     * GIVEN the admin token
     * WHEN it is sent as a query parameter to the sign-in and to the API, then in the sign-in's body
     * THEN the sign-in is 400 without a cookie, the API 401; neither the token nor the session cookie is ever logged.
     */
    @Test
    void refusesATokenInTheUrl() throws Exception {
        String query = "?token=" + TestRelay.ADMIN_TOKEN;
        try (LogCapture logs = LogCapture.start()) {
            HttpResponse<String> signIn = HTTP.send(HttpRequest.newBuilder(admin("/ui/session" + query))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(TestRelay.ADMIN_TOKEN))).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(admin("/admin/v1/tenants" + query)).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> signedIn = signIn(TestRelay.ADMIN_TOKEN);

            assertThat(signIn.statusCode()).isEqualTo(400);
            assertThat(signIn.headers().firstValue("set-cookie")).isEmpty();
            assertThat(api.statusCode()).isEqualTo(401);
            assertThat(signedIn.statusCode()).isEqualTo(200);
            assertThat(signedIn.body()).doesNotContain(TestRelay.ADMIN_TOKEN);
            assertThat(logs.lines()).isNotEmpty().noneMatch(line -> line.contains(TestRelay.ADMIN_TOKEN)
                    || line.contains(cookie(signedIn).split("=", 2)[1]));
        }
    }

    /**
     * Verifies that another site's page cannot sign a browser in.
     * GIVEN a valid admin token
     * WHEN a sign-in is posted with the Origin of another site, and with the admin port's own
     * THEN the first is 403 without a cookie, the second 200 with one.
     */
    @Test
    void refusesASignInFromAnotherOrigin() throws Exception {
        HttpResponse<String> foreign = HTTP.send(HttpRequest.newBuilder(admin("/ui/session"))
                .header("content-type", "application/x-www-form-urlencoded").header("origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(form(TestRelay.ADMIN_TOKEN))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> own = HTTP.send(HttpRequest.newBuilder(admin("/ui/session"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", "http://127.0.0.1:" + relay.adminPort())
                .POST(HttpRequest.BodyPublishers.ofString(form(TestRelay.ADMIN_TOKEN))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("set-cookie")).isEmpty();
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.headers().firstValue("set-cookie")).isPresent();
    }

    /**
     * Verifies that the sign-in form is throttled like the API's bearer tokens.
     * GIVEN the default {@code server.authFailures} (10 a minute)
     * WHEN one address signs in with the same wrong token 11 times
     * THEN the first 10 are 401 and the 11th 429, none with a cookie.
     */
    @Test
    void throttlesWrongTokensAtSignIn() throws Exception {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i <= AuthFailuresConfig.DEFAULT_MAX; i++) {
            answers.add(signIn("xzr_guessed-dashboard-token"));
        }

        assertThat(answers.subList(0, AuthFailuresConfig.DEFAULT_MAX)).extracting(HttpResponse::statusCode)
                .containsOnly(401);
        assertThat(answers.get(AuthFailuresConfig.DEFAULT_MAX).statusCode()).isEqualTo(429);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.headers().firstValue("set-cookie")).isEmpty());
    }

    /** Reads a stream to its end, however it ends. */
    private static long drain(HttpResponse<Stream<String>> stream) {
        try {
            return stream.body().count();
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    private static HttpResponse<String> signIn(String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(admin("/ui/session"))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(token))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> createTenant(String cookie, String csrf, String id) throws Exception {
        HttpRequest.Builder request = request(cookie, "/admin/v1/tenants").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(NEW_TENANT.formatted(id)));
        if (csrf != null) {
            request.header(CSRF, csrf);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String cookie, String path) throws Exception {
        return HTTP.send(request(cookie, path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String cookie, String path) {
        return HttpRequest.newBuilder(admin(path)).header("cookie", cookie);
    }

    /** The {@code name=value} of the answer's cookie. */
    private static String cookie(HttpResponse<String> signedIn) {
        return signedIn.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
    }

    private static String form(String token) {
        return "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static URI admin(String path) {
        return URI.create("http://127.0.0.1:" + relay.adminPort() + path);
    }
}
