package ca.metered.realtime.server.cluster.redis;

/**
 * Names of every Redis key and pub/sub topic, all under one prefix (default {@code rms:}).
 * The Lua scripts in {@code rms/redis/*.lua} build the same names; keep them in step.
 *
 * <p>Immutable; thread-safe.
 */
record RedisKeys(String prefix) {

    /**
     * The app a channel or peer topic belongs to, or null for any other topic. App ids never
     * contain ':' (docs/configuration.md), so the first ':' after the prefix ends it.
     */
    String appOf(String topic) {
        if (!topic.startsWith(prefix)) {
            return null;
        }
        int colon = topic.indexOf(':', prefix.length());
        return colon <= prefix.length() ? null : topic.substring(prefix.length(), colon);
    }

    String channelTopic(String app, String channel) {
        return prefix + app + ":ch:" + channel;
    }

    String channelTopicPrefix(String app) {
        return prefix + app + ":ch:";
    }

    String peerTopic(String app, String peerId) {
        return prefix + app + ":peer:" + peerId;
    }

    String peerTopicPrefix(String app) {
        return prefix + app + ":peer:";
    }

    /** The sorted set of live nodes, scored by their last heartbeat (heartbeat.lua). */
    String nodes() {
        return prefix + "nodes";
    }

    /** What a node says about itself (a hash that expires unless refreshed). */
    String nodeInfo(String nodeId) {
        return prefix + "node:" + nodeId + ":info";
    }

    String controlTopic() {
        return prefix + "ctl";
    }

    /** PSUBSCRIBE pattern for every channel of an app; Redis glob characters in the names are escaped. */
    String allChannelsPattern(String app) {
        return escapeGlob(channelTopicPrefix(app)) + "*";
    }

    String concurrent(String app) {
        return prefix + app + ":concurrent";
    }

    String connections(String app) {
        return prefix + app + ":conns";
    }

    String peak(String app, long periodStart) {
        return prefix + app + ":peak:" + periodStart;
    }

    String messages(String app, long periodStart) {
        return prefix + app + ":msgs:" + periodStart;
    }

    static String escapeGlob(String s) {
        StringBuilder b = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
