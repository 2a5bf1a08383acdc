package dev.xiaozhi.relay.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The device shape of {@link DeviceSessions} over the Streamable HTTP front ({@code POST /mcp} with the token as a
 * bearer, {@code Mcp-Session-Id} after {@code initialize}). While the relay has no such front (its {@code /mcp}
 * answers an {@code initialize} POST with anything but a 200), the simulation says so and runs nothing.
 */
public class HttpClients extends Simulation {

    private final RelayUnderTest relay = Start.relay(() -> RelayUnderTest.generated("", "", ""));
    private final String base = relay.url().replaceFirst("^ws", "http");
    private final int clients = Load.knob("clients", 10, 500);
    private final int seconds = Load.knob("seconds", 3, 60);
    private final int callEveryMs = Load.knob("callEveryMs", 200, 1000);
    private final String tool = relay.tool("diagnostics___echo");

    {
        String absent = Start.relay(this::whyNoFront);
        if (absent != null) {
            System.out.println("HttpClients skipped: " + absent);
            // Gatling reports nothing without a request: the one request is the device port's refusal itself
            setUp(scenario("skipped: no Streamable HTTP front").exec(http("POST /mcp (no front)").post(base + "/mcp")
                    .body(StringBody(Mcp.INITIALIZE)).check(status().not(200))).injectOpen(atOnceUsers(1)))
                    .protocols(http);
        } else {
            HttpProtocolBuilder protocol = http.baseUrl(base).authorizationHeader("Bearer " + relay.token())
                    .contentTypeHeader("application/json").acceptHeader("application/json, text/event-stream");
            setUp(scenario("http clients").exec(post("initialize", Mcp.INITIALIZE)
                    .exec(session -> session.set("rpcId", 1)))
                    .exec(http("initialized").post("/mcp").header("Mcp-Session-Id", "#{mcpSession}")
                            .body(StringBody(Mcp.INITIALIZED)).check(status().in(200, 202)))
                    .exec(post("tools/list", Mcp.TOOLS_LIST))
                    .exec(during(Duration.ofSeconds(seconds)).on(pace(Duration.ofMillis(callEveryMs))
                            .exec(session -> session.set("rpcId", session.getInt("rpcId") + 1))
                            .exec(post("call", Mcp.callText(tool, Mcp.argumentsFor(tool))))))
                    .injectOpen(rampUsers(clients).during(Load.knob("rampseconds", 2, 20))))
                    .protocols(protocol)
                    .assertions(global().failedRequests().percent().lte(0.1),
                            global().responseTime().percentile(99.0).lt(Load.knob("p99ms", 1000, 1000)));
        }
    }

    private static ChainBuilder post(String name, String body) {
        var request = http(name).post("/mcp").body(StringBody(body)).check(status().is(200),
                substring("\"result\""));
        return name.equals("initialize")
                ? exec(request.check(header("Mcp-Session-Id").saveAs("mcpSession")))
                : exec(request.header("Mcp-Session-Id", "#{mcpSession}"));
    }

    /** Null when {@code POST /mcp} answers an {@code initialize}; else why not. */
    private String whyNoFront() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Authorization", "Bearer " + relay.token()).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Mcp.INITIALIZE)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 && answer.body().contains("\"result\"") ? null
                : "the relay has no Streamable HTTP front yet (POST /mcp answered HTTP " + answer.statusCode() + ")";
    }

    @Override
    public void after() {
        Start.stop(relay);
    }
}
