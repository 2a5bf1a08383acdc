package dev.xiaozhi.relay.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Isolation under load, a ContextForge-style mix at once: agents calling the echo, agents listing the tools again
 * and again (discovery), sessions that connect, handshake and leave (churn), and agents calling a target that fails
 * (every call misses its 200 ms deadline, so its circuit opens). The agents' calls must stay clean and fast while
 * the failing target's calls end in tool errors.
 */
public class Mixed extends Simulation {

    private final RelayUnderTest relay = Start.relay(() -> RelayUnderTest.generated(
            "failing: {type: builtin, builtin: diagnostics, timeout: 200ms,"
                    + " breaker: {maxFailures: 5, resetTimeout: 2s, failureWindow: 10s}}", "", ""));
    private final int seconds = Load.knob("seconds", 3, 60);
    private final Duration length = Duration.ofSeconds(seconds);
    private final int ramp = Load.knob("rampseconds", 1, 10);

    private final ScenarioBuilder agents = scenario("agents").exec(Mcp.handshake(relay.deviceUrl()))
            .exec(loop(200, Mcp.call("agent call", "diagnostics___echo", Mcp.argumentsFor("echo"))))
            .exec(Mcp.close());
    private final ScenarioBuilder discovery = scenario("discovery").exec(Mcp.handshake(relay.deviceUrl()))
            .exec(loop(1000, Mcp.listTools("discovery list"))).exec(Mcp.close());
    private final ScenarioBuilder churn = scenario("churn").exec(Mcp.handshake(relay.deviceUrl()))
            .exec(Mcp.close());
    private final ScenarioBuilder failing = scenario("failing target").exec(Mcp.handshake(relay.deviceUrl()))
            .exec(loop(500, Mcp.callFailing("failing call", "failing___sleep", "{\"ms\":1000}")))
            .exec(Mcp.close());

    {
        setUp(agents.injectOpen(rampUsers(Load.knob("agents", 20, 300)).during(ramp)),
                discovery.injectOpen(rampUsers(Load.knob("listers", 5, 50)).during(ramp)),
                churn.injectOpen(constantUsersPerSec(Load.knob("churnPerSecond", 5, 20)).during(length)),
                failing.injectOpen(rampUsers(Load.knob("failers", 5, 50)).during(ramp)))
                .protocols(http)
                .maxDuration(length.plusSeconds(ramp + 60L))
                .assertions(global().failedRequests().count().is(0L),
                        details("agent call result").responseTime().percentile(99.0).lt(Load.knob("p99ms", 500, 500)));
    }

    private ChainBuilder loop(int everyMs, ChainBuilder step) {
        return during(length).on(pace(Duration.ofMillis(everyMs)).exec(step));
    }

    @Override
    public void after() {
        Start.stop(relay);
    }
}
