package dev.xiaozhi.relay.loadtest;

/** Starting and stopping what a simulation needs, in its constructor and its {@code after()}. */
public final class Start {

    private Start() {
    }

    /** Something started that may fail. */
    @FunctionalInterface
    public interface Starter<T> {
        /** Starts it. */
        T start() throws Exception;
    }

    /** Starts {@code starter}, turning a failure into an unchecked one that stops the simulation. */
    public static <T> T relay(Starter<T> starter) {
        try {
            return starter.start();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not start: " + e.getMessage(), e);
        }
    }

    /** Closes each, reporting but not throwing failures. */
    public static void stop(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                System.err.println("could not stop " + resource + ": " + e);
            }
        }
    }
}
