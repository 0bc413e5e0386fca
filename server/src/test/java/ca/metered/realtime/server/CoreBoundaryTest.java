package ca.metered.realtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core knows no sockets (docs/architecture.md): the packages below hold no Netty import,
 * so they are unit-tested with a manual clock and the in-memory backplane. Only
 * {@code transport} and {@code session} adapt Netty to them.
 */
class CoreBoundaryTest {
    private static final Path ROOT = Path.of("src/main/java/ca/metered/realtime/server");
    private static final List<String> CORE = List.of("auth", "cluster", "config", "connection", "hub", "ice",
            "limit", "pubsub", "time");

    @Test
    void theCorePackagesImportNoNetty() throws IOException {
        assertThat(ROOT).isDirectory();
        for (String pkg : CORE) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(pkg))) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(file -> {
                    try {
                        assertThat(Files.readAllLines(file)).as(file.toString())
                                .noneMatch(line -> line.startsWith("import io.netty"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
