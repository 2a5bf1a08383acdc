package dev.xiaozhi.relay.loadtest;

import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Devices the way the Xiaozhi cloud drives them: they ramp up over WebSocket, run the cloud's handshake, then call a
 * tool at a steady rate with a JSON-RPC ping every fifth call, and close. Against the packaged jar on a generated
 * config whose one device token every simulated device shares (the embedded default holds a device to
 * {@code maxSessionsPerDevice} sessions) unless {@code -Durl} names a relay; knobs {@code -Ddevices},
 * {@code -Drampseconds}, {@code -Dseconds}, {@code -DcallEveryMs}.
 */
public class DeviceSessions extends Simulation {

    private final RelayUnderTest relay = Start.relay(() -> RelayUnderTest.generated("", "", ""));
    private final int devices = Load.knob("devices", 20, 1000);
    private final int rampSeconds = Load.knob("rampseconds", 2, 20);
    private final int seconds = Load.knob("seconds", 3, 60);
    private final int callEveryMs = Load.knob("callEveryMs", 200, 1000);
    private final String tool = relay.tool("calculator___evaluate");

    private final ScenarioBuilder devicesCalling = scenario("devices").exec(Mcp.handshake(relay.deviceUrl()))
            .exec(during(Duration.ofSeconds(seconds), "n").on(
                    pace(Duration.ofMillis(callEveryMs)).exec(Mcp.call("call", tool, Mcp.argumentsFor(tool)))
                            .doIf(session -> session.getInt("n") % 5 == 4).then(Mcp.ping())))
            .exec(Mcp.close());

    {
        setUp(devicesCalling.injectOpen(rampUsers(devices).during(rampSeconds)))
                .protocols(http)
                .maxDuration(Duration.ofSeconds(rampSeconds + seconds + 60))
                .assertions(global().failedRequests().percent().lte(0.1),
                        global().responseTime().percentile(99.0).lt(Load.knob("p99ms", 1000, 1000)));
    }

    @Override
    public void after() {
        Start.stop(relay);
    }
}
