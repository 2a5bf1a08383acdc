package dev.xiaozhi.relay.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.bus.CatalogUpdate;
import dev.xiaozhi.relay.bus.ClientRequest;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.ProgressUpdate;
import dev.xiaozhi.relay.bus.SessionEnded;
import dev.xiaozhi.relay.bus.TargetAnswer;
import dev.xiaozhi.relay.bus.TargetNotification;
import dev.xiaozhi.relay.bus.TargetRequest;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.bus.ToolCancel;
import dev.xiaozhi.relay.bus.ToolReply;
import dev.xiaozhi.relay.config.Placement;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.routing.CallReply;
import dev.xiaozhi.relay.routing.LocalTarget;
import dev.xiaozhi.relay.routing.TargetRouter;
import dev.xiaozhi.relay.upstream.CallSlots.Queued;
import dev.xiaozhi.relay.upstream.CallSlots.Running;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one target on {@link EventBusAddresses#target(String)} for its own node and, while its circuit is not open,
 * on {@link EventBusAddresses#clusterTarget(String)} for the others: runs each {@link ToolCall} through the target's
 * circuit breaker and {@link ToolClient}, and each {@link TargetRequest} (prompts, resources, completions) alike, in
 * the target's {@link CallSlots} (at most {@code maxConcurrent} at once, {@code maxQueued} waiting), and publishes
 * what the target offers (tools, prompts, resources): to its own node, or to the whole cluster for a
 * target placed on one node only. Every call ends in a {@link CallOutcome}, which alone decides whether the breaker
 * counts it, its metric tag and the text of a failed request.
 */
public final class TargetVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(TargetVerticle.class);
    /** How much longer than its own deadline a relayed request for a client may take on the event bus. */
    private static final long CLIENT_REQUEST_MARGIN_MS = 1_000;

    private final TargetConfig config;
    private final ToolClient client;
    private final RelayMetrics metrics;
    private final TargetRouter router;
    private CircuitBreaker breaker;
    private MessageConsumer<Object> consumer;
    private MessageConsumer<Object> clusterConsumer;
    private MessageConsumer<Object> refreshConsumer;
    private CallSlots slots;
    private volatile int publishedTools;
    private String circuit = "closed";

    /** Creates the verticle; every collaborator is required. */
    public TargetVerticle(TargetConfig config, ToolClient client, RelayMetrics metrics, TargetRouter router) {
        this.config = Objects.requireNonNull(config);
        this.client = Objects.requireNonNull(client);
        this.metrics = Objects.requireNonNull(metrics);
        this.router = Objects.requireNonNull(router);
    }

    @Override
    public Future<?> start() {
        slots = new CallSlots(vertx, config.maxConcurrent(), config.maxQueued(), config.timeout().toMillis(),
                this::run, this::fail);
        breaker = CircuitBreaker.create("target-" + config.name(), vertx, new CircuitBreakerOptions()
                .setTimeout(-1)
                .setMaxFailures(config.breaker().maxFailures())
                .setResetTimeout(config.breaker().resetTimeout().toMillis())
                .setFailuresRollingWindow(config.breaker().failureWindow().toMillis()))
                .<Object>failurePolicy(result -> outcome(result).failsUpstream())
                .openHandler(v -> {
                    LOG.warn("circuit opened [target: {}]", config.name());
                    transition("open");
                    context.runOnContext(off -> leaveCluster());
                })
                .halfOpenHandler(v -> {
                    LOG.info("circuit half-open [target: {}]", config.name());
                    transition("half_open");
                })
                .closeHandler(v -> {
                    LOG.info("circuit closed [target: {}]", config.name());
                    transition("closed");
                    context.runOnContext(on -> joinCluster());
                });
        metrics.registerTarget(config.name(), new RelayMetrics.TargetState(type(),
                () -> breaker.state().name().toLowerCase(Locale.ROOT), () -> publishedTools));
        client.offerChangedHandler(this::publishTools);
        client.sessionNotificationHandler((session, method, params) -> vertx.eventBus().publish(
                EventBusAddresses.TARGET_NOTIFICATIONS, new TargetNotification(config.name(), method, params,
                        session), new DeliveryOptions().setLocalOnly(!single())));
        client.clientRequestHandler((caller, method, params) -> vertx.eventBus().<TargetAnswer>request(
                caller.address(), new ClientRequest(caller.id(), config.name(), method, params,
                        config.timeout().toMillis()),
                new DeliveryOptions().setSendTimeout(config.timeout().toMillis() + CLIENT_REQUEST_MARGIN_MS))
                .map(reply -> reply.body())
                .otherwise(failure -> new TargetAnswer("{\"code\":-32603,\"message\":"
                        + Json.quote("The client's session did not answer: " + failure.getMessage()) + "}", true)));
        client.progressHandler((callId, params) -> {
            Running slot = slots.running(callId);
            if (slot != null && slot.call().replyTo() != null) {
                vertx.eventBus().send(slot.call().replyTo(), new ProgressUpdate(callId, params));
            }
        });
        consumer = vertx.eventBus().localConsumer(EventBusAddresses.target(config.name()), this::onMessage);
        if (single()) {
            refreshConsumer = vertx.eventBus().consumer(EventBusAddresses.CATALOG_REFRESH, request -> publishTools());
        }
        return Future.all(client.start(), consumer.completion(), joinCluster())
                .compose(started -> publishTools())
                .onSuccess(v -> {
                    router.addLocal(config.name(), new Instance());
                    LOG.info("target started [target: {}, placement: {}]", config.name(),
                            config.placement().name().toLowerCase(Locale.ROOT));
                });
    }

    /** Keeps a transition of the breaker in the node's history. */
    private synchronized void transition(String to) {
        metrics.history().breaker(config.name(), circuit, to);
        circuit = to;
    }

    /** The target's kind, as the configuration's {@code type} names it. */
    private String type() {
        return config.spec().getClass().getSimpleName().replace("TargetSpec", "").toLowerCase(Locale.ROOT);
    }

    /** Serves the other nodes (again). */
    private Future<Void> joinCluster() {
        if (clusterConsumer != null) {
            return Future.succeededFuture();
        }
        clusterConsumer = vertx.eventBus().consumer(EventBusAddresses.clusterTarget(config.name()),
                this::onMessage);
        return clusterConsumer.completion();
    }

    /** Stops serving the other nodes while the circuit is open, so that they call a healthy instance. */
    private Future<Void> leaveCluster() {
        MessageConsumer<Object> leaving = clusterConsumer;
        clusterConsumer = null;
        return leaving == null ? Future.succeededFuture() : leaving.unregister();
    }

    private boolean single() {
        return config.placement() == Placement.SINGLE;
    }

    @Override
    public Future<?> stop() {
        client.offerChangedHandler(() -> { });
        client.sessionNotificationHandler((session, method, params) -> { });
        router.removeLocal(config.name());
        slots.stop();
        metrics.unregisterTarget(config.name());
        publish(update(Json.MAPPER.createArrayNode(), ServerOffer.NONE));
        Future<Void> refreshStopped = refreshConsumer == null ? Future.succeededFuture()
                : refreshConsumer.unregister();
        return Future.join(consumer.unregister(), leaveCluster(), refreshStopped).eventually(client::stop)
                .eventually(() -> {
                    breaker.close();
                    return Future.succeededFuture();
                });
    }

    private Future<Void> publishTools() {
        return client.listTools()
                .onSuccess(tools -> {
                    publishedTools = tools.size();
                    publish(update(tools, client.offer()));
                })
                .onFailure(e -> LOG.warn("listing tools failed [target: {}]: {}", config.name(), e.getMessage()))
                .mapEmpty();
    }

    /** To this node's catalog, or to every node's for a target placed on one node. */
    private void publish(CatalogUpdate update) {
        vertx.eventBus().publish(EventBusAddresses.CATALOG_CHANGED, update,
                new DeliveryOptions().setLocalOnly(!single()));
    }

    private CatalogUpdate update(JsonNode tools, ServerOffer offer) {
        return new CatalogUpdate(config.name(), config.prefix(), config.timeout().toMillis(), tools,
                client.available(), deploymentID(), offer.prompts(), offer.resources(), offer.resourceTemplates(),
                offer.capabilities());
    }

    private void onMessage(Message<Object> message) {
        if (message.body() instanceof ToolCall || message.body() instanceof TargetRequest) {
            accept(message.body(), new MessageReply(message));
        } else if (message.body() instanceof SessionEnded ended) {
            client.sessionEnded(ended.session());
        } else if (message.body() instanceof ToolCancel cancel) {
            if (!slots.cancelWaiting(cancel.callId(), cancel.reason())) {
                client.cancel(cancel.callId(), cancel.reason());
            }
        } else {
            LOG.warn("unexpected message dropped [target: {}, type: {}]", config.name(),
                    message.body() == null ? "null" : message.body().getClass().getSimpleName());
        }
    }

    /** A call or request, from the event bus or handed over on this node, on this verticle's context. */
    private void accept(Object body, CallReply reply) {
        Queued call = body instanceof ToolCall tool
                ? new Queued(tool.callId(), tool.tenant(), tool.device(), tool.tool(), tool.replyTo(),
                        () -> client.call(tool), reply, System.nanoTime())
                : queued((TargetRequest) body, reply);
        slots.offer(call);
    }

    private Queued queued(TargetRequest request, CallReply reply) {
        return new Queued(request.callId(), request.tenant(), request.device(), request.method(), null,
                () -> client.request(request), reply, System.nanoTime());
    }

    /** Runs a call that got its slot through the breaker and the client, and answers it. */
    private void run(Running slot) {
        Queued call = slot.call();
        breaker.<Object>execute(() -> {
            call.work().get().onComplete(done -> {
                if (done.succeeded()) {
                    slot.answer().tryComplete(done.result());
                } else {
                    slot.answer().tryFail(done.cause());
                }
            });
            return slot.answer().future();
        }).onComplete(result -> {
            if (!slots.release(slot)) {
                return;
            }
            CallOutcome outcome = outcome(result);
            Optional<Object> answered = answer(result);
            if (answered.isPresent()) {
                metrics.call(config.name(), call.tenant(), call.device(), outcome, System.nanoTime() - call.started());
                call.reply().reply(answered.get());
                return;
            }
            if (outcome == CallOutcome.TIMEOUT) {
                client.deadlineExceeded(call.callId());
            }
            fail(call, outcome, detail(result.cause()));
        });
    }

    /**
     * What the upstream answered with: a tool's result text, a server's {@link TargetAnswer}, or an error answer
     * of its own (an API's status).
     */
    private static Optional<Object> answer(AsyncResult<Object> result) {
        if (result.succeeded()) {
            return Optional.of(result.result() instanceof ToolReply reply ? reply.resultJson() : result.result());
        }
        return result.cause() instanceof UpstreamCallException upstream
                ? upstream.resultJson().map(Object.class::cast) : Optional.empty();
    }

    /**
     * What a call through the breaker came to: a reply's own outcome, the breaker's verdicts (open, deadline), a
     * client's typed failure, and any other failure of a client as a failed transport.
     */
    private static CallOutcome outcome(AsyncResult<?> result) {
        if (result.succeeded()) {
            return result.result() instanceof TargetAnswer answer ? answer.outcome()
                    : ((ToolReply) result.result()).outcome();
        }
        Throwable cause = result.cause();
        if (cause instanceof OpenCircuitException) {
            return CallOutcome.UNAVAILABLE;
        } else if (cause instanceof TimeoutException) {
            return CallOutcome.TIMEOUT;
        } else if (cause instanceof UpstreamCallException upstream) {
            return upstream.outcome();
        }
        return CallOutcome.TRANSPORT_FAILED;
    }

    /** What the outcome's text leaves open: why the breaker refused or ended the call, or the client's message. */
    private String detail(Throwable cause) {
        if (cause instanceof OpenCircuitException) {
            return "after repeated failures";
        } else if (cause instanceof TimeoutException) {
            return CallOutcome.duration(config.timeout().toMillis());
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private void fail(Queued call, CallOutcome outcome, String detail) {
        metrics.call(config.name(), call.tenant(), call.device(), outcome, System.nanoTime() - call.started());
        LOG.debug("call failed [target: {}, tenant: {}, device: {}, tool: {}, outcome: {}]",
                config.name(), call.tenant(), call.device(), call.what(), outcome.tag());
        call.reply().fail(outcome.code(), outcome.text(config.name(), detail));
    }

    /** This instance as the node's router hands it calls. */
    private final class Instance implements LocalTarget {

        @Override
        public boolean healthy() {
            return breaker.state() != CircuitBreakerState.OPEN;
        }

        @Override
        public void take(Object call, CallReply reply) {
            context.runOnContext(v -> accept(call, reply));
        }
    }

    /** A call's answer as the reply to the event-bus message it came in. */
    private record MessageReply(Message<Object> message) implements CallReply {

        @Override
        public void reply(Object answer) {
            message.reply(answer);
        }

        @Override
        public void fail(int code, String text) {
            message.fail(code, text);
        }
    }
}
