package dev.xiaozhi.relay.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long a fleet takes to onboard: at {@code -Drate} per second for {@code -Dseconds}, a tenant is created through
 * the admin API, then a device in it (its token comes back once), then that device connects, runs the handshake and
 * calls a tool. Against a relay given by {@code -Durl} it needs {@code -DadminUrl} and {@code -DadminToken}.
 */
public class Onboarding extends Simulation {

    private final RelayUnderTest relay = Start.relay(() -> RelayUnderTest.generated("", "", ""));
    private final AtomicInteger next = new AtomicInteger();
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private final String tool = relay.tool("diagnostics___echo");

    private final ScenarioBuilder onboarding = scenario("onboarding")
            .exec(session -> session.set("tenant", "lt-" + run + "-" + next.incrementAndGet()))
            .exec(http("create tenant").post(relay.adminUrl() + "/admin/v1/tenants")
                    .header("Authorization", "Bearer " + relay.adminToken())
                    .body(StringBody("{\"id\":\"#{tenant}\",\"name\":\"load test #{tenant}\"}"))
                    .check(status().is(201)))
            .exec(http("create device").post(relay.adminUrl() + "/admin/v1/tenants/#{tenant}/devices")
                    .header("Authorization", "Bearer " + relay.adminToken())
                    .body(StringBody("{\"id\":\"speaker\",\"name\":\"speaker\"}"))
                    .check(status().is(201), jsonPath("$.token").saveAs("deviceToken")))
            .exec(Mcp.handshake(relay.url() + "/mcp?token=#{deviceToken}"))
            .exec(Mcp.call("first call", tool, Mcp.argumentsFor(tool)))
            .exec(Mcp.close());

    {
        int rate = Load.knob("rate", 5, 50);
        int seconds = Load.knob("seconds", 3, 60);
        setUp(onboarding.injectOpen(constantUsersPerSec(rate).during(seconds)))
                // the admin token goes on admin requests only: a device's upgrade request would present it
                .protocols(http.contentTypeHeader("application/json"))
                .maxDuration(Duration.ofSeconds(seconds + 120))
                .assertions(global().failedRequests().count().is(0L),
                        details("create device").responseTime().percentile(99.0).lt(Load.knob("p99ms", 2000, 2000)));
    }

    @Override
    public void after() {
        Start.stop(relay);
    }
}
