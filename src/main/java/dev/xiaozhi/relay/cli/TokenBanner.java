package dev.xiaozhi.relay.cli;

import dev.xiaozhi.relay.auth.ConfiguredDevices.GeneratedToken;
import dev.xiaozhi.relay.config.ServerConfig;
import dev.xiaozhi.relay.front.websocket.DeviceUrls;
import java.io.PrintStream;
import java.util.List;

/** Shows tokens the relay generated, once, on stdout (never in the log), with the URL to give a client. */
final class TokenBanner {

    private final PrintStream out;

    TokenBanner(PrintStream out) {
        this.out = out;
    }

    void print(List<GeneratedToken> tokens, ServerConfig server, int port) {
        for (GeneratedToken token : tokens) {
            String url = DeviceUrls.withToken(server, port, token.token());
            out.println();
            out.println("  New token for tenant '" + token.tenant() + "', device '" + token.device()
                    + "' (shown once; only its hash is kept):");
            out.println("    " + token.token());
            out.println("  MCP endpoint for the client:");
            out.println("    " + url);
            out.println("  Try it:");
            out.println("    java -jar target/xiaozhi-relay.jar probe '" + url + "'");
            out.println();
        }
        out.flush();
    }
}
