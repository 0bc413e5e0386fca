package ca.metered.realtime.cli;

import ca.metered.realtime.server.IdleHeapRelease;
import ca.metered.realtime.server.RmsNode;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.ConfigException;
import ca.metered.realtime.server.config.ConfigLoader;
import ca.metered.realtime.server.config.ConfigReloader;
import ca.metered.realtime.server.config.DevConfig;
import ca.metered.realtime.server.config.PublishableKeyConfig;
import ca.metered.realtime.server.config.SecretKeyConfig;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.transport.RmsServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code rms serve}: runs the server until SIGTERM/SIGINT, then shuts down gracefully
 * ({@code going_away}, 1001, exit 0); SIGHUP reloads the configuration file. Without {@code --config} it runs the zero-setup dev app
 * whose keys are kept in {@code $RMS_HOME/dev.yaml} (default {@code ~/.rms/dev.yaml}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "config file (YAML); omit for the dev app")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "override server.port (0 = any free port)")
    Integer port;

    @Override
    public Integer call() throws InterruptedException {
        boolean dev = config == null;
        Path devFile = devConfigPath();
        Path file = dev ? devFile : config;
        ServerConfig loaded;
        try {
            loaded = dev ? DevConfig.loadOrCreate(devFile) : ConfigLoader.load(config, System.getenv());
        } catch (ConfigException e) {
            throw new CliException(e.getMessage(), 2);
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw new CliException("--port must be between 0 and 65535", 2);
        }
        UnaryOperator<ServerConfig> overrides = c -> port == null ? c : withPort(c, port);
        ConfigReloader reloader = new ConfigReloader(loaded,
                Optional.of(() -> ConfigLoader.load(file, System.getenv())), overrides);
        ServerConfig cfg = reloader.current();
        LogFormatting.apply(cfg.logFormat());
        reloader.addListener((previous, current, change) -> {
            if (change.logFormatChanged()) {
                LogFormatting.apply(current.logFormat());
            }
        });
        RmsNode server;
        try {
            server = RmsNode.start(reloader);
        } catch (ca.metered.realtime.server.cluster.BackplaneUnavailableException e) {
            throw new CliException(e.getMessage(), 1);
        } catch (RmsServer.ServerStartException e) {
            throw new CliException(e.getMessage(), 1);
        }
        // The launcher's JVM defaults (docs/operations.md, "JVM memory" and "JVM options"); after a failed start
        // only the one line of the error is printed.
        IdleHeapRelease.applyAndLog();
        JvmDefaults.log();
        // Handlers go in before the listening line: a supervisor (or test) may send SIGTERM as
        // soon as it reads that line, and the JVM's default handler would exit 143 without the
        // graceful going_away / 1001 of docs/protocol.md 8.
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            server.stop();
            stopped.countDown();
        };
        Signal.handle(new Signal("TERM"), s -> new Thread(stop, "rms-shutdown").start());
        Signal.handle(new Signal("INT"), s -> new Thread(stop, "rms-shutdown").start());
        // kill -HUP reloads the file (docs/operations.md): its result is logged and audited.
        SignalHandler hup = Signal.handle(new Signal("HUP"),
                s -> new Thread(() -> server.reload("SIGHUP"), "rms-reload").start());
        if (hup == SignalHandler.SIG_IGN) {
            // Started with SIGHUP ignored (nohup, trap '' HUP): the JVM keeps it ignored, so a
            // kill -HUP would do nothing, without an error.
            LoggerFactory.getLogger(ServeCommand.class).warn("SIGHUP is ignored by this process (started under nohup?):"
                    + " kill -HUP will not reload the configuration; reload from the admin, or start rms without nohup");
        }
        PrintStream out = System.out;
        String http = server.url().replaceFirst("^ws", "http");
        out.println("rms listening on " + server.url() + " (WebSocket " + server.url() + "/v1, REST " + http + "/v1)");
        if (cfg.admin().isPresent()) {
            out.println("admin dashboard: " + http + "/admin/ (user " + cfg.admin().get().username() + ")");
        }
        out.println("metrics: " + server.metricsPort().map(p -> "http://" + cfg.metrics().host() + ":" + p)
                .orElse(http) + "/metrics");
        if (dev) {
            printDevBanner(out, cfg.apps().get(0), server.url(), devFile);
        }
        out.flush();
        stopped.await();
        return 0;
    }

    /** The dev app's config: {@code $RMS_HOME/dev.yaml}, else {@code ~/.rms/dev.yaml}. */
    static Path devConfigPath() {
        String home = System.getenv("RMS_HOME");
        return home != null && !home.isBlank() ? Path.of(home).resolve("dev.yaml") : defaultDevConfigPath();
    }

    private static Path defaultDevConfigPath() {
        return Path.of(System.getProperty("user.home"), ".rms", "dev.yaml");
    }

    private static ServerConfig withPort(ServerConfig cfg, int port) {
        return cfg.withServer(cfg.server().withPort(port));
    }

    private static void printDevBanner(PrintStream out, AppConfig app, String url, Path file) {
        PublishableKeyConfig pk = app.publishableKeys().get(0);
        SecretKeyConfig sk = app.secretKeys().get(0);
        String http = url.replaceFirst("^ws", "http");
        // Lines a user can paste as they are: the launcher scripts (./rms, the release's bin/rms)
        // say how they were invoked; rms token reads the default dev config without --config.
        String rms = Optional.ofNullable(System.getenv("RMS_COMMAND")).filter(c -> !c.isBlank()).orElse("rms");
        String configArg = file.equals(defaultDevConfigPath()) ? "" : " --config " + file;
        out.println();
        out.println("Dev app '" + app.id() + "' (keys kept in " + file + "):");
        out.println("  publishable key : " + pk.key());
        out.println("  secret key id   : " + sk.id());
        out.println("  secret          : " + sk.secret());
        out.println();
        out.println("Try it in a browser (open it in two tabs):");
        out.println("  " + http + "/demo/?key=" + pk.key());
        out.println("Try it from another terminal (listen prints each event as a JSON line):");
        out.println("  " + rms + " listen --url " + url + " --key " + pk.key() + " --channel room-1");
        out.println("  " + rms + " publish --url " + url + " --key " + pk.key()
                + " --channel room-1 --data '{\"text\":\"hi\"}'");
        out.println("Mint a JWT for a peer (CLI, then REST):");
        out.println("  " + rms + " token" + configArg + " --sub alice --peer-metadata '{\"name\":\"Alice\"}'");
        out.println("  curl -s -X POST " + http + "/v1/tokens -H 'Authorization: Bearer " + sk.id() + ":"
                + sk.secret() + "' -H 'Content-Type: application/json' -d '{\"peerId\":\"alice\"}'");
        out.println("Try it (JS SDK):");
        out.println("  const client = new SignallingClient({ apiKey: \"" + pk.key() + "\", url: \"" + url + "\" });");
        out.println("  await client.connect(); await client.subscribe(\"room-1\");");
    }
}
