package dev.xiaozhi.relay.support;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP sockets a process listens on, read from Linux's {@code /proc}: its socket file descriptors matched against
 * the kernel's tables of listening TCP sockets.
 */
public final class ListeningSockets {

    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /**
     * A listening socket.
     *
     * @param address the local address it is bound to ({@code 0.0.0.0} or {@code ::} for all)
     * @param port    its port
     */
    public record Socket(String address, int port) implements Comparable<Socket> {

        @Override
        public int compareTo(Socket other) {
            return port != other.port ? Integer.compare(port, other.port) : address.compareTo(other.address);
        }
    }

    /** The sockets process {@code pid} listens on. */
    public static Set<Socket> of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        inodes.add(link.substring("socket:[".length(), link.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor closed while we listed them
                }
            }
        }
        Set<Socket> sockets = new TreeSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
                    String[] local = fields[1].split(":");
                    sockets.add(new Socket(address(local[0]), Integer.parseInt(local[1], 16)));
                }
            }
        }
        return sockets;
    }

    /** A kernel hex address (each 32-bit word in host, i.e. little-endian, order) as text. */
    private static String address(String hex) throws IOException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + 3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes).getHostAddress();
    }
}
