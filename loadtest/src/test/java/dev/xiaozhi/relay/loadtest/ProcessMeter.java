package dev.xiaozhi.relay.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory figures of another JVM or process: used heap after a full GC ({@code jcmd}), and {@code /proc} lines. */
public final class ProcessMeter {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private ProcessMeter() {
    }

    /** Runs a full GC in the JVM {@code pid} and returns its used heap ({@code jcmd GC.heap_info}), in KiB. */
    public static long usedHeapAfterGcKb(long pid) throws IOException, InterruptedException {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher used = USED.matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return Long.parseLong(used.group(1));
    }

    /**
     * Writes the class histogram of the JVM {@code pid} after a full GC ({@code jcmd GC.class_histogram}) to
     * {@code file}: which objects the heap holds, by class, with counts and bytes.
     */
    public static void histogram(long pid, Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, run("jcmd", Long.toString(pid), "GC.class_histogram"));
    }

    /** A {@code kB} line of {@code /proc/<pid>/status}, e.g. {@code VmHWM}. */
    public static long statusKb(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + key + " for process " + pid);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return output;
    }
}
