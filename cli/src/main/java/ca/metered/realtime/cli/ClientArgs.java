package ca.metered.realtime.cli;

import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.transport.netty.NettyWebSocketTransport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The connection options every SDK-backed command shares: {@code --url} and exactly one of
 * {@code --key} and {@code --token}. Used as a picocli mixin.
 */
final class ClientArgs {

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "server origin, e.g. ws://127.0.0.1:8080 or wss://rms.example.com (the SDK appends /v1)")
    String url;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Credential credential;

    @Option(names = "--transport", defaultValue = "jdk", paramLabel = "jdk|netty",
            description = "WebSocket transport: jdk (java.net.http, the SDK's default) or netty (module sdk-netty); default ${DEFAULT-VALUE}")
    String transport;

    static final class Credential {
        @Option(names = "--key", paramLabel = "PK", description = "publishable key (pk_…)")
        String key;

        @Option(names = "--token", paramLabel = "JWT",
                description = "a JWT (e.g. from 'rms token'); reused on every reconnect, so it must outlive the run")
        String token;
    }

    /** Options with the URL and credential set; invalid values are a usage error (exit 2). */
    SignallingClientOptions.Builder builder() {
        SignallingClientOptions.Builder b = SignallingClientOptions.builder();
        try {
            b.url(url);
            switch (transport) {
                case "jdk" -> { }
                case "netty" -> b.transport(NettyWebSocketTransport.shared());
                default -> throw new CliException("--transport must be jdk or netty, got '" + transport + "'", 2);
            }
            if (credential.key != null) {
                b.apiKey(credential.key);
            } else {
                b.tokenProvider(TokenProvider.fixed(credential.token));
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
        return b;
    }

    /** Builds the options, turning builder validation failures into usage errors. */
    static SignallingClientOptions build(SignallingClientOptions.Builder b) {
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
    }
}
