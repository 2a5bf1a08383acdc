package dev.xiaozhi.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.protocol.Json;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code device add|list|rotate|revoke}: onboards and manages devices through a running relay's admin API. */
@Command(name = "device", mixinStandardHelpOptions = true, description = "Add, list, rotate or revoke devices.",
        subcommands = {DeviceCommand.Add.class, DeviceCommand.ListDevices.class, DeviceCommand.Rotate.class,
            DeviceCommand.Revoke.class})
final class DeviceCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand");
    }


    /** {@code device add}: prints the new token and the client URL, once. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a device; prints its token and the URL to give the client, once.")
    static final class Add implements Callable<Integer> {

        @Mixin
        AdminOptions admin;

        @Option(names = "--tenant", required = true, description = "Its tenant.")
        String tenant;

        @Option(names = "--name", required = true, description = "Its name; also its id unless --id is given.")
        String name;

        @Option(names = "--id", description = "Its id (default: derived from the name).")
        String id;

        @Option(names = "--endpoint", paramLabel = "URL",
                description = "Its Xiaozhi MCP endpoint (wss://api.xiaozhi.me/mcp/?token=…): the relay dials out.")
        String endpoint;

        @Override
        public Integer call() {
            ObjectNode body = Json.MAPPER.createObjectNode().put("id", id != null ? id : idOf(name)).put("name", name);
            if (endpoint != null) {
                body.put("endpoint", endpoint);
            }
            printIssued(System.out, admin.client().post("/tenants/" + tenant + "/devices", body), "created");
            return 0;
        }
    }

    /** {@code device list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's devices.")
    static final class ListDevices implements Callable<Integer> {

        @Mixin
        AdminOptions admin;

        @Option(names = "--tenant", required = true, description = "The tenant.")
        String tenant;

        @Override
        public Integer call() {
            AdminHttp client = admin.client();
            System.out.printf("%-24s %-30s %-9s %-8s %s%n", "ID", "NAME", "STATUS", "ENDPOINT", "LAST SEEN");
            String cursor = null;
            do {
                JsonNode page = client.get("/tenants/" + tenant + "/devices?limit=1000"
                        + (cursor == null ? "" : "&cursor=" + cursor));
                page.path("items").forEach(d -> System.out.printf("%-24s %-30s %-9s %-8s %s%n", d.path("id").asText(),
                        d.path("name").asText(), d.path("status").asText(),
                        d.path("hasEndpoint").asBoolean() ? "yes" : "no", d.path("lastSeenAt").asText("never")));
                cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (cursor != null);
            return 0;
        }
    }

    /** {@code device rotate}: a new token, printed once; the old one keeps working for the grace. */
    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Issue a new token (printed once); the old one works on for the grace.")
    static final class Rotate implements Callable<Integer> {

        @Mixin
        AdminOptions admin;

        @Mixin
        DeviceRef device;

        @Option(names = "--grace-seconds", paramLabel = "N",
                description = "How long the old token keeps working (default: the relay's registry.rotationGrace).")
        Long graceSeconds;

        @Override
        public Integer call() {
            ObjectNode body = Json.MAPPER.createObjectNode();
            if (graceSeconds != null) {
                body.put("graceSeconds", graceSeconds);
            }
            printIssued(System.out, admin.client().post(device.path() + "/rotate", body), "rotated");
            return 0;
        }
    }

    /** {@code device revoke}: the device's tokens stop working and its sessions close. */
    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a device: its tokens stop working and its live sessions close.")
    static final class Revoke implements Callable<Integer> {

        @Mixin
        AdminOptions admin;

        @Mixin
        DeviceRef device;

        @Override
        public Integer call() {
            admin.client().post(device.path() + "/revoke", null);
            System.out.println("Device " + device + " revoked; its sessions are closed.");
            return 0;
        }
    }

    /** The device a command acts on: {@code --tenant} and {@code --id}. */
    static final class DeviceRef {

        @Option(names = "--tenant", required = true, description = "Its tenant.")
        String tenant;

        @Option(names = {"--id", "--name"}, required = true, description = "The device id.")
        String id;

        /** Its path in the admin API. */
        String path() {
            return "/tenants/" + tenant + "/devices/" + id;
        }

        @Override
        public String toString() {
            return tenant + "/" + id;
        }
    }

    /** A device id from a name: lowercase letters, digits, '_' and '-'. */
    static String idOf(String name) {
        String id = name.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
        return id.length() > 64 ? id.substring(0, 64) : id;
    }

    private static void printIssued(PrintStream out, JsonNode issued, String what) {
        JsonNode device = issued.path("device");
        out.println("Device " + device.path("tenant").asText() + "/" + device.path("id").asText() + " " + what
                + ". Its token (shown once; only its hash is kept):");
        out.println("  " + issued.path("token").asText());
        out.println("MCP endpoint for the client:");
        out.println("  " + issued.path("url").asText());
        out.flush();
    }
}
