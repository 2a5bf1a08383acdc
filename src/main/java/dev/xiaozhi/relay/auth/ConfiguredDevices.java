package dev.xiaozhi.relay.auth;

import dev.xiaozhi.relay.config.DeviceConfig;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.config.TenantConfig;
import dev.xiaozhi.relay.routing.ToolPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The devices of the configuration file, with generated tokens for devices configured without one.
 *
 * @param directory the device directory for the fronts
 * @param generated tokens generated in this start, to be shown once
 * @param pipes     devices with an outbound endpoint
 */
public record ConfiguredDevices(DeviceDirectory directory, List<GeneratedToken> generated, List<PipeEndpoint> pipes) {

    /** A device the relay dials out for; the endpoint URL holds a secret token and is never shown. */
    public record PipeEndpoint(DeviceIdentity identity, String endpoint) {

        @Override
        public String toString() {
            return "PipeEndpoint[tenant=" + identity.tenant() + ", device=" + identity.device() + "]";
        }
    }

    /** A token generated for a device; its plain value exists only here. */
    public record GeneratedToken(String tenant, String device, String token) {

        @Override
        public String toString() {
            return "GeneratedToken[tenant=" + tenant + ", device=" + device + "]";
        }
    }

    /** Resolves every configured device's token hash; blocking file I/O. */
    public static ConfiguredDevices load(RelayConfig config, GeneratedTokenStore store) {
        Map<TokenHash, DeviceIdentity> devices = new HashMap<>();
        List<GeneratedToken> generated = new ArrayList<>();
        for (TenantConfig tenant : config.tenants().values()) {
            ToolPolicy policy = new ToolPolicy(tenant.targets());
            for (DeviceConfig device : tenant.devices().values()) {
                TokenHash hash = device.tokenHash()
                        .or(() -> store.find(tenant.id(), device.id()))
                        .orElseGet(() -> {
                            String token = store.generate(tenant.id(), device.id());
                            generated.add(new GeneratedToken(tenant.id(), device.id(), token));
                            return TokenHash.ofPlain(token);
                        });
                devices.put(hash, new DeviceIdentity(tenant.id(), device.id(), policy));
            }
        }
        return new ConfiguredDevices(new DeviceDirectory(devices), List.copyOf(generated), endpoints(config));
    }

    /** The devices of a configuration that have an outbound endpoint. */
    public static List<PipeEndpoint> endpoints(RelayConfig config) {
        List<PipeEndpoint> endpoints = new ArrayList<>();
        for (TenantConfig tenant : config.tenants().values()) {
            ToolPolicy policy = new ToolPolicy(tenant.targets());
            for (DeviceConfig device : tenant.devices().values()) {
                device.endpoint().ifPresent(url -> endpoints.add(new PipeEndpoint(
                        new DeviceIdentity(tenant.id(), device.id(), policy), url)));
            }
        }
        return List.copyOf(endpoints);
    }
}
