package dev.xiaozhi.relay.auth;

import dev.xiaozhi.relay.config.DeviceConfig;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.config.TenantConfig;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.model.TokenHash;
import java.util.ArrayList;
import java.util.List;

/**
 * The devices of the configuration file with their token hashes, tokens generated for devices configured without
 * one included.
 *
 * @param devices   every configured device
 * @param generated tokens generated in this start, to be shown once
 */
public record ConfiguredDevices(List<ConfiguredDevice> devices, List<GeneratedToken> generated) {

    /**
     * A device of the configuration file.
     *
     * @param tenant its tenant
     * @param device the device
     * @param hash   its token's hash
     */
    public record ConfiguredDevice(TenantConfig tenant, DeviceConfig device, TokenHash hash) {
    }

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
        List<ConfiguredDevice> devices = new ArrayList<>();
        List<GeneratedToken> generated = new ArrayList<>();
        for (TenantConfig tenant : config.tenants().values()) {
            for (DeviceConfig device : tenant.devices().values()) {
                TokenHash hash = device.tokenHash()
                        .or(() -> store.find(tenant.id(), device.id()))
                        .orElseGet(() -> {
                            String token = store.generate(tenant.id(), device.id());
                            generated.add(new GeneratedToken(tenant.id(), device.id(), token));
                            return TokenHash.ofPlain(token);
                        });
                devices.add(new ConfiguredDevice(tenant, device, hash));
            }
        }
        return new ConfiguredDevices(List.copyOf(devices), List.copyOf(generated));
    }
}
