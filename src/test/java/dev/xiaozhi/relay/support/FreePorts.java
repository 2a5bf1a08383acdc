package dev.xiaozhi.relay.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports free on loopback right now, for processes that must be told their ports up front (cluster members). They are
 * taken below the kernel's ephemeral range: a port in that range may be handed to an outgoing connection while a
 * member restarts, even to a peer's attempt to reconnect to the very port (a connection to itself, once nothing
 * listens there), and the member could not bind it again.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int ATTEMPTS = 1_000;

    private FreePorts() {
    }

    /** {@code count} distinct free ports. */
    public static int[] take(int count) throws IOException {
        int highest = Math.max(ephemeralStart() - 1, LOWEST + ATTEMPTS);
        int[] ports = new int[count];
        int found = 0;
        for (int attempt = 0; found < count && attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            if (Arrays.stream(ports, 0, found).noneMatch(taken -> taken == port) && bindable(port)) {
                ports[found++] = port;
            }
        }
        if (found < count) {
            throw new IOException("no " + count + " free ports between " + LOWEST + " and " + highest);
        }
        return ports;
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The first port of the kernel's ephemeral range; Linux's default where it cannot be read. (Where the range starts
     * lower, the ports are taken from a range it overlaps.)
     */
    private static int ephemeralStart() {
        try {
            return Integer.parseInt(Files.readString(EPHEMERAL_RANGE).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
