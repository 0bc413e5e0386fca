package ca.metered.realtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rms} command: {@code serve}, {@code token}, {@code peer echo}. Bad arguments and expected failures
 * print one line on stderr and exit non-zero, without a stack trace.
 */
@Command(name = "rms", mixinStandardHelpOptions = true, versionProvider = Rms.Version.class,
        description = "Self-hosted realtime messaging: a server wire-compatible with Metered Realtime Messaging.",
        subcommands = {ServeCommand.class, TokenCommand.class, PeerCommand.class})
public final class Rms implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Rms());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("rms: " + ex.getMessage() + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof CliException ce) {
                cmd.getErr().println("rms: " + ce.getMessage());
                return ce.exitCode();
            }
            cmd.getErr().println("rms: unexpected error: " + ex);
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Rms.class.getPackage().getImplementationVersion();
            return new String[] {"rms " + (v == null ? "dev" : v)};
        }
    }
}
