package dev.xiaozhi.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.protocol.Json;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code tenant add|list}: manages tenants through a running relay's admin API. */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Add or list tenants.",
        subcommands = {TenantCommand.Add.class, TenantCommand.ListTenants.class})
final class TenantCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand");
    }


    /** {@code tenant add}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a tenant.")
    static final class Add implements Callable<Integer> {

        @Mixin
        AdminOptions admin;

        @Option(names = "--id", required = true, description = "Its id.")
        String id;

        @Option(names = "--name", description = "Its display name (default: the id).")
        String name;

        @Option(names = "--targets", split = ",", paramLabel = "GLOB",
                description = "Glob patterns of the targets its devices may use (default: *).")
        List<String> targets;

        @Override
        public Integer call() {
            ObjectNode body = Json.MAPPER.createObjectNode().put("id", id).put("name", name == null ? id : name);
            if (targets != null) {
                body.putObject("policy").set("allowTargets", Json.MAPPER.valueToTree(targets));
            }
            JsonNode tenant = admin.client().post("/tenants", body);
            System.out.println("Tenant " + tenant.path("id").asText() + " created.");
            return 0;
        }
    }

    /** {@code tenant list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants.")
    static final class ListTenants implements Callable<Integer> {

        @Mixin
        AdminOptions admin;

        @Override
        public Integer call() {
            AdminHttp client = admin.client();
            System.out.printf("%-24s %-30s %-9s %s%n", "ID", "NAME", "STATUS", "TARGETS");
            String cursor = null;
            do {
                JsonNode page = client.get("/tenants?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
                page.path("items").forEach(t -> System.out.printf("%-24s %-30s %-9s %s%n", t.path("id").asText(),
                        t.path("name").asText(), t.path("status").asText(),
                        t.path("policy").path("allowTargets").toString()));
                cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (cursor != null);
            return 0;
        }
    }
}
