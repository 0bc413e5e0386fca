package ca.metered.realtime.server.config;

import ca.metered.realtime.protocol.ChannelPattern;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Binds and validates webhooks: an app's {@code webhooks} list ({@link WebhookConfig}) and the
 * top-level {@code webhooks} delivery settings ({@link WebhookSettings}). Every message names the
 * field at fault; a secret is never echoed.
 *
 * <p>Stateless; thread-safe.
 */
final class WebhookBinder {
    static final int MIN_SECRET_LENGTH = 16;
    private static final Duration MAX_FLAP_GRACE = Duration.ofHours(1);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration MAX_BATCH_DELAY = Duration.ofSeconds(10);

    private WebhookBinder() {
    }

    /** An app's {@code webhooks}: absent or empty for none; the same URL twice in one app is an error. */
    static List<WebhookConfig> endpoints(ConfigNode list) throws ConfigException {
        if (!list.isPresent()) {
            return List.of();
        }
        if (!list.isList()) {
            throw list.error("must be a list of {url, secret, events, channels?}");
        }
        List<WebhookConfig> out = new ArrayList<>();
        Map<URI, String> urls = new HashMap<>();
        for (ConfigNode hook : list.elements()) {
            WebhookConfig w = endpoint(hook);
            String first = urls.putIfAbsent(w.url(), hook.path());
            if (first != null) {
                throw hook.field("url").error("duplicate webhook url '" + w.url() + "' (already at " + first + ")");
            }
            out.add(w);
        }
        return out;
    }

    private static WebhookConfig endpoint(ConfigNode hook) throws ConfigException {
        URI url = url(hook.field("url"));
        ConfigNode secretNode = hook.field("secret");
        if (!secretNode.isPresent()) {
            throw secretNode.error("required (the HMAC-SHA256 key of X-Rms-Signature)");
        }
        String secret = secretNode.text();
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw secretNode.error("must be at least " + MIN_SECRET_LENGTH + " characters");
        }
        Set<WebhookEventType> events = events(hook.field("events"));
        ConfigNode channelsNode = hook.field("channels");
        List<ChannelPattern> channels = new ArrayList<>();
        if (channelsNode.isPresent()) {
            for (ConfigNode element : channelsNode.elements()) {
                try {
                    channels.add(ChannelPattern.compile(element.text()));
                } catch (IllegalArgumentException e) {
                    throw element.error("invalid channel pattern: " + e.getMessage());
                }
            }
            if (channels.isEmpty()) {
                throw channelsNode.error("must not be empty (leave it out for every channel)");
            }
        }
        hook.rejectUnknownFields();
        return new WebhookConfig(url, secret, events, channels);
    }

    private static URI url(ConfigNode node) throws ConfigException {
        if (!node.isPresent()) {
            throw node.error("required (e.g. https://backend.example.com/rms-webhooks)");
        }
        String raw = node.text().trim();
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw node.error("not a valid URL: " + e.getMessage());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw node.error("must start with http:// or https://");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw node.error("must name a host, e.g. https://backend.example.com/rms-webhooks");
        }
        if (url.getRawUserInfo() != null) {
            throw node.error("must not carry credentials (user:password@); receivers verify X-Rms-Signature");
        }
        if (url.getRawFragment() != null) {
            throw node.error("must not have a #fragment");
        }
        return url;
    }

    private static Set<WebhookEventType> events(ConfigNode list) throws ConfigException {
        if (!list.isPresent()) {
            throw list.error("required: a list of " + WebhookEventType.wireNames());
        }
        EnumSet<WebhookEventType> out = EnumSet.noneOf(WebhookEventType.class);
        for (ConfigNode element : list.elements()) {
            String name = element.text();
            WebhookEventType type = WebhookEventType.fromWireName(name).orElseThrow(() -> element.error(
                    "unknown event '" + name + "' (expected one of " + WebhookEventType.wireNames() + ")"));
            if (!out.add(type)) {
                throw element.error("duplicate event '" + name + "'");
            }
        }
        if (out.isEmpty()) {
            throw list.error("must not be empty");
        }
        return out;
    }

    /** The top-level {@code webhooks} section; every field has a default. */
    static WebhookSettings settings(ConfigNode node) throws ConfigException {
        if (node.isPresent() && node.isList()) {
            throw node.error("must be a mapping of delivery settings (the endpoints go under apps[].webhooks)");
        }
        Duration grace = atMost(node.field("flapGrace"), WebhookSettings.DEFAULT_FLAP_GRACE, MAX_FLAP_GRACE);
        Duration timeout = positive(node.field("timeout"), WebhookSettings.DEFAULT_TIMEOUT);
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw node.field("timeout").error("must be at most 5m");
        }
        int attempts = node.field("maxAttempts").intValue(1, 100, WebhookSettings.DEFAULT_MAX_ATTEMPTS);
        Duration minDelay = positive(node.field("retryMinDelay"), WebhookSettings.DEFAULT_RETRY_MIN_DELAY);
        ConfigNode maxNode = node.field("retryMaxDelay");
        Duration defaultMax = minDelay.compareTo(WebhookSettings.DEFAULT_RETRY_MAX_DELAY) > 0
                ? minDelay : WebhookSettings.DEFAULT_RETRY_MAX_DELAY;
        Duration maxDelay = positive(maxNode, defaultMax);
        if (maxDelay.compareTo(minDelay) < 0) {
            throw maxNode.error("must be at least retryMinDelay (" + minDelay.toMillis() + "ms)");
        }
        int queue = node.field("queueSize").intValue(1, 1_000_000, WebhookSettings.DEFAULT_QUEUE_SIZE);
        int batch = node.field("batchSize").intValue(1, 10_000, WebhookSettings.DEFAULT_BATCH_SIZE);
        Duration batchDelay = atMost(node.field("batchDelay"), WebhookSettings.DEFAULT_BATCH_DELAY, MAX_BATCH_DELAY);
        node.rejectUnknownFields();
        return new WebhookSettings(grace, timeout, attempts, minDelay, maxDelay, queue, batch, batchDelay);
    }

    private static Duration positive(ConfigNode node, Duration defaultValue) throws ConfigException {
        Duration d = node.duration(defaultValue);
        if (d.isZero()) {
            throw node.error("must be > 0");
        }
        return d;
    }

    private static Duration atMost(ConfigNode node, Duration defaultValue, Duration max) throws ConfigException {
        Duration d = node.duration(defaultValue);
        if (d.compareTo(max) > 0) {
            throw node.error("must be at most " + max.toSeconds() + "s");
        }
        return d;
    }
}
