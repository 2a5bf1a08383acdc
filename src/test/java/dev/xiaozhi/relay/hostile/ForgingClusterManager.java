package dev.xiaozhi.relay.hostile;

import io.vertx.core.Completable;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster manager that joins nothing and lies: it claims that every address has a consumer on one victim node, at
 * the victim's event-bus address, so that a Vert.x instance built with it writes genuine clustered event-bus frames
 * straight to the victim's event-bus port, as a non-member that learned the port would.
 */
final class ForgingClusterManager implements ClusterManager {

    private static final String VICTIM = "victim";

    private final String self = UUID.randomUUID().toString();
    private final NodeInfo victim;
    private NodeInfo own;

    ForgingClusterManager(String victimHost, int victimPort) {
        this.victim = new NodeInfo(victimHost, victimPort, null);
    }

    @Override
    public void init(Vertx vertx) {
    }

    @Override
    public <K, V> void getAsyncMap(String name, Completable<AsyncMap<K, V>> promise) {
        promise.fail("no shared data");
    }

    @Override
    public <K, V> Map<K, V> getSyncMap(String name) {
        return new ConcurrentHashMap<>();
    }

    @Override
    public void getLockWithTimeout(String name, long timeout, Completable<Lock> promise) {
        promise.fail("no locks");
    }

    @Override
    public void getCounter(String name, Completable<Counter> promise) {
        promise.fail("no counters");
    }

    @Override
    public String getNodeId() {
        return self;
    }

    @Override
    public List<String> getNodes() {
        return List.of(self, VICTIM);
    }

    @Override
    public void nodeListener(NodeListener listener) {
    }

    @Override
    public void setNodeInfo(NodeInfo nodeInfo, Completable<Void> promise) {
        own = nodeInfo;
        promise.succeed();
    }

    @Override
    public NodeInfo getNodeInfo() {
        return own;
    }

    @Override
    public void getNodeInfo(String nodeId, Completable<NodeInfo> promise) {
        promise.succeed(VICTIM.equals(nodeId) ? victim : own);
    }

    @Override
    public void join(Completable<Void> promise) {
        promise.succeed();
    }

    @Override
    public void leave(Completable<Void> promise) {
        promise.succeed();
    }

    @Override
    public boolean isActive() {
        return true;
    }

    @Override
    public void registrationListener(RegistrationListener listener) {
    }

    @Override
    public void addRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
        promise.succeed();
    }

    @Override
    public void removeRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
        promise.succeed();
    }

    @Override
    public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
        promise.succeed(List.of(new RegistrationInfo(VICTIM, 0, false)));
    }
}
