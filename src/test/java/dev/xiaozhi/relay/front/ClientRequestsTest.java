package dev.xiaozhi.relay.front;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.ClientRequest;
import dev.xiaozhi.relay.bus.TargetAnswer;
import dev.xiaozhi.relay.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies how a session relays its targets' servers' requests to its client: under ids of its own, answered by
 * the client's response to that id, each with its own deadline, and refused at once when the client cannot take
 * them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(30_000)
class ClientRequestsTest {

    private static final JsonNode DECLARED = Json.MAPPER.createObjectNode().set("sampling",
            Json.MAPPER.createObjectNode());

    /** Verifies that a request goes down under a relay id and the client's answer to that id comes back. */
    @Test
    void matchesTheClientsAnswerByTheRelaysId(Vertx vertx) throws Exception {
        ClientRequests requests = new ClientRequests(vertx);
        List<String> sent = new ArrayList<>();

        Future<TargetAnswer> answer = requests.relay(sampling(10_000), DECLARED, json -> sent.add(json));
        String id = Json.compact(Json.parse(sent.get(0)).get("id"));
        boolean stranger = requests.onResponse(Json.parse("{\"jsonrpc\":\"2.0\",\"id\":\"other\",\"result\":{}}"));
        boolean matched = requests.onResponse(Json.parse("{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"result\":{\"model\":\"m\"}}"));

        assertThat(Json.parse(sent.get(0)).path("method").asText()).isEqualTo("sampling/createMessage");
        assertThat(stranger).isFalse();
        assertThat(matched).isTrue();
        assertThat(answer.await(5, TimeUnit.SECONDS)).isEqualTo(new TargetAnswer("{\"model\":\"m\"}", false));
    }

    /**
     * Verifies the errors that come at once (capability not declared, no channel, too many waiting), at the deadline,
     * and when the session ends.
     */
    @Test
    void answersWithAnErrorRatherThanHang(Vertx vertx) throws Exception {
        ClientRequests requests = new ClientRequests(vertx);
        SessionChannel quiet = json -> true;

        TargetAnswer undeclared = requests.relay(sampling(10_000), Json.MAPPER.createObjectNode(), quiet).result();
        TargetAnswer unknown = requests.relay(new ClientRequest("s", "t", "tasks/get", null, 10_000), DECLARED, quiet)
                .result();
        TargetAnswer noChannel = requests.relay(sampling(10_000), DECLARED, null).result();
        TargetAnswer late = requests.relay(sampling(50), DECLARED, quiet).await(5, TimeUnit.SECONDS);
        List<Future<TargetAnswer>> waiting = new ArrayList<>();
        for (int i = 0; i < ClientRequests.MAX_WAITING; i++) {
            waiting.add(requests.relay(sampling(10_000), DECLARED, quiet));
        }
        TargetAnswer tooMany = requests.relay(sampling(10_000), DECLARED, quiet).result();
        requests.clear("session over");

        assertThat(undeclared.json()).contains("-32601").contains("did not declare sampling");
        assertThat(unknown.json()).contains("-32601");
        assertThat(noChannel.json()).contains("no stream open");
        assertThat(late.json()).contains("did not answer sampling/createMessage within 50 ms");
        assertThat(tooMany.json()).contains("requests to answer already");
        assertThat(List.of(undeclared, unknown, noChannel, late, tooMany)).allMatch(TargetAnswer::error);
        assertThat(waiting).allMatch(future -> future.result().json().contains("session over"));
    }

    private static ClientRequest sampling(long timeoutMs) {
        return new ClientRequest("s", "t", "sampling/createMessage", Json.MAPPER.createObjectNode(), timeoutMs);
    }
}
