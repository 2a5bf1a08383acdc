package dev.xiaozhi.relay.loadtest;

/**
 * How big a run is: {@code -Dload=smoke} (the default, seconds long, what CI runs) or {@code -Dload=full} (the runs
 * the README's numbers come from). Any knob may be set on its own with {@code -D<name>=N}.
 */
public final class Load {

    private Load() {
    }

    /** True for a full run. */
    public static boolean full() {
        return "full".equals(System.getProperty("load", "smoke"));
    }

    /** The knob {@code name}: its system property, else the smoke or the full default. */
    public static int knob(String name, int smoke, int full) {
        String value = System.getProperty(name, "");
        return value.isBlank() ? (full() ? full : smoke) : Integer.parseInt(value.trim());
    }

    /** A system property, or a default when it is unset or blank. */
    public static String property(String name, String otherwise) {
        String value = System.getProperty(name, "");
        return value.isBlank() ? otherwise : value.trim();
    }
}
