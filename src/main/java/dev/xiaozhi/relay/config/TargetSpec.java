package dev.xiaozhi.relay.config;

/** What kind of target a {@link TargetConfig} describes, with the settings of that kind. */
public sealed interface TargetSpec permits BuiltinTargetSpec, StdioTargetSpec, HttpTargetSpec,
        OpenApiTargetSpec, ProviderTargetSpec {
}
