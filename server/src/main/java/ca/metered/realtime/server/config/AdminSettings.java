package ca.metered.realtime.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The admin dashboard's credentials (YAML section {@code admin}; docs/operations.md "Admin
 * dashboard"). There is no default password: without one the dashboard is off, and an
 * {@code admin} section without a password (in the file or {@code RMS_ADMIN_PASSWORD}) is a
 * configuration error.
 *
 * <p>Immutable; thread-safe. {@link #toString()} redacts the password.
 *
 * @param username the one admin user; default {@code admin}
 * @param password at least {@link #MIN_PASSWORD_LENGTH} characters; also {@code RMS_ADMIN_PASSWORD}
 * @param sessionTimeout how long a dashboard login lasts without use; default 8 h
 */
public record AdminSettings(String username, String password, Duration sessionTimeout) {
    public static final String DEFAULT_USERNAME = "admin";
    public static final int MIN_PASSWORD_LENGTH = 12;
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(8);

    public AdminSettings {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    }

    @Override
    public String toString() {
        return "AdminSettings[username=" + username + ", password=<redacted>, sessionTimeout=" + sessionTimeout + "]";
    }
}
