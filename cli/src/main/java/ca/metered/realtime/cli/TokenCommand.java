package ca.metered.realtime.cli;

import ca.metered.realtime.server.auth.MintedToken;
import ca.metered.realtime.server.auth.TokenMinter;
import ca.metered.realtime.server.auth.TokenRequest;
import ca.metered.realtime.server.auth.TokenRequestException;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.ConfigException;
import ca.metered.realtime.server.config.ConfigLoader;
import ca.metered.realtime.server.config.SecretKeyConfig;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.ice.IceServerProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rms token}: mints an HS256 JWT with a configured secret key — the same code path as
 * {@code POST /v1/tokens}. Without {@code --config} it reads the dev app's config, the file
 * {@code rms serve} writes and uses when it has no {@code --config}; without {@code --key-id} it
 * signs with the config's only secret key.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Mint a JWT for a peer with one of the config's secret keys; prints the token.")
final class TokenCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--config", paramLabel = "FILE",
            description = "server config (YAML); default: the dev app's, $RMS_HOME/dev.yaml (~/.rms/dev.yaml)")
    Path config;

    @Option(names = "--key-id", paramLabel = "SK_ID",
            description = "secret key id (sk_id_…) to sign with; default: the config's only secret key")
    String keyId;

    @Option(names = "--sub", required = true, paramLabel = "PEER_ID", description = "peerId (the sub claim)")
    String sub;

    @Option(names = "--channels", split = ",", paramLabel = "GLOB",
            description = "channel patterns (comma-separated or repeated); default: the key's")
    List<String> channels;

    @Option(names = "--permissions", split = ",", paramLabel = "ACTION",
            description = "subscribe,publish,presence,send; default: the key's")
    List<String> permissions;

    @Option(names = "--ttl", defaultValue = "1h", paramLabel = "DURATION",
            description = "lifetime, e.g. 90s, 15m, 1h (max 24h); default ${DEFAULT-VALUE}")
    String ttl;

    @Option(names = "--peer-metadata", paramLabel = "JSON", description = "peerMetadata claim (JSON object)")
    String peerMetadata;

    @Option(names = "--metadata", paramLabel = "JSON", description = "metadata claim (JSON object), e.g. iceServers")
    String metadata;

    @Option(names = "--embed-ice-servers", description = "add the app's iceServers to the metadata claim, with TURN "
            + "credentials minted for --sub that outlive the token (as POST /v1/tokens embedIceServers)")
    boolean embedIceServers;

    @Override
    public Integer call() {
        ServerConfig cfg;
        try {
            cfg = ConfigLoader.load(configFile(), System.getenv());
        } catch (ConfigException e) {
            throw new CliException(e.getMessage(), 2);
        }
        String id = keyId != null ? keyId : onlyKeyId(cfg);
        AppConfig app = appOf(cfg, id);
        SecretKeyConfig key = app.secretKeys().stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow();
        long ttlSeconds = Durations.parse(ttl).toSeconds();
        if (ttlSeconds < 1 || ttlSeconds > TokenMinter.MAX_EXPIRES_IN_SEC) {
            // Same bound as POST /v1/tokens expiresInSec (docs/protocol.md 7), named after the option.
            throw new CliException("--ttl must be between 1s and 24h, got '" + ttl + "'", 2);
        }
        Clock clock = Clock.systemUTC();
        JsonNode claim = json("--metadata", metadata);
        if (embedIceServers) {
            try {
                claim = new IceServerProvider(clock).embed(app, sub, claim, clock.instant().getEpochSecond() + ttlSeconds);
            } catch (IllegalArgumentException e) {
                throw new CliException("--embed-ice-servers: " + e.getMessage(), 2);
            }
        }
        TokenRequest request = new TokenRequest(sub, channels, permissions, ttlSeconds, claim,
                json("--peer-metadata", peerMetadata));
        try {
            MintedToken token = new TokenMinter(clock).mint(key, request, app.limits().maxTokenLifetime());
            System.out.println(token.token());
            return 0;
        } catch (TokenRequestException e) {
            throw new CliException(e.code() + ": " + e.getMessage(), 2);
        }
    }

    private Path configFile() {
        if (config != null) {
            return config;
        }
        Path dev = ServeCommand.devConfigPath();
        if (!Files.isRegularFile(dev)) {
            throw new CliException("no --config given and no dev config at " + dev
                    + " yet: run 'rms serve' once (it creates it), or pass --config FILE", 2);
        }
        return dev;
    }

    /** The id of the config's only secret key (the dev app has one), for a call without --key-id. */
    private static String onlyKeyId(ServerConfig cfg) {
        List<String> ids = new ArrayList<>();
        cfg.apps().forEach(app -> app.secretKeys().forEach(k -> ids.add(k.id())));
        if (ids.size() == 1) {
            return ids.get(0);
        }
        throw new CliException("--key-id is needed: the config has " + ids.size() + " secret keys ("
                + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ")", 2);
    }

    /** The app holding secret key {@code id}. */
    private static AppConfig appOf(ServerConfig cfg, String id) {
        List<String> known = new ArrayList<>();
        for (AppConfig app : cfg.apps()) {
            for (SecretKeyConfig k : app.secretKeys()) {
                if (k.id().equals(id)) {
                    return app;
                }
                known.add(k.id());
            }
        }
        throw new CliException("no secret key '" + id + "' in the config (known: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + ")", 2);
    }

    private static JsonNode json(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw new CliException(option + " must be a JSON object", 2);
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new CliException(option + " is not valid JSON: " + e.getOriginalMessage(), 2);
        }
    }
}
