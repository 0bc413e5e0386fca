package ca.metered.realtime.client;

import java.util.List;

/**
 * One ICE server from {@code welcome.metadata.iceServers}, already validated by the SDK's
 * fail-closed rules (only {@code stun:}, {@code stuns:}, {@code turn:}, {@code turns:} URLs of at
 * most 512 characters; username and credential at most 1024 characters).
 *
 * @param urls       one or more URLs, never empty
 * @param username   or {@code null}
 * @param credential or {@code null}; never logged by the SDK
 */
public record IceServer(List<String> urls, String username, String credential) {
    public IceServer {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("urls must not be empty");
        }
    }

    @Override
    public String toString() {
        return "IceServer[urls=" + urls + ", username=" + (username == null ? null : "***")
                + ", credential=" + (credential == null ? null : "***") + "]";
    }
}
