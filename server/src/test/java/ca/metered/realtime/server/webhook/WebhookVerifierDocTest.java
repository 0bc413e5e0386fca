package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import ca.metered.realtime.server.webhook.WebhookEvent.MessagePublished;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java verifier of docs/webhooks.md, compiled from the page as a user would copy it, checks
 * what the server signs.
 */
class WebhookVerifierDocTest {
    private static final String SECRET = "whsec_0123456789abcdef";
    private static Constructor<?> verifierOf;
    private static Method verify;

    @BeforeAll
    static void compileTheVerifierFromTheDocs() throws Exception {
        String source = javaBlockOf(docsPage());
        Class<?> c = compile("RmsWebhookVerifier", source);
        verifierOf = c.getConstructor(String.class);
        verify = c.getMethod("verify", byte[].class, String.class);
    }

    private static boolean verifies(String secret, byte[] body, String header) throws Exception {
        return (boolean) verify.invoke(verifierOf.newInstance(secret), body, header);
    }

    @Test
    void acceptsWhatTheServerSignsAndNothingElse() throws Exception {
        byte[] body = WebhookBody.encode("dlv_1", 1, "demo", List.of(new Logged("1-1", 1,
                new MessagePublished("room", "alice", RawJson.of("{\"text\":\"héllo ✓\"}"), null))));
        String header = new Signature(SECRET).sign(body);
        assertThat(verifies(SECRET, body, header)).isTrue();

        byte[] tampered = body.clone();
        tampered[tampered.length - 3] ^= 1;
        assertThat(verifies(SECRET, tampered, header)).isFalse();
        assertThat(verifies("whsec_some_other_secret", body, header)).isFalse();
        assertThat(verifies(SECRET, body, null)).isFalse();
        assertThat(verifies(SECRET, body, "sha1=" + header.substring(7))).isFalse();
        assertThat(verifies(SECRET, body, "sha256=zz")).isFalse();
        assertThat(verifies(SECRET, body, header.substring(0, header.length() - 2))).isFalse();
        assertThat(verifies(SECRET, body, header.toUpperCase().replace("SHA256=", "sha256="))).as("hex case")
                .isTrue();
    }

    @Test
    void agreesWithRfc4231() throws Exception {
        assertThat(verifies("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8),
                "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")).isTrue();
    }

    static String docsPage() throws Exception {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docs/webhooks.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("docs/webhooks.md not found above " + System.getProperty("user.dir"));
        }
        return Files.readString(dir.resolve("docs/webhooks.md"));
    }

    private static String javaBlockOf(String page) {
        Matcher m = Pattern.compile("### Java \\(JDK only\\)\\s+```java\\n(.*?)```", Pattern.DOTALL).matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("no ```java block under '### Java (JDK only)' in docs/webhooks.md");
        }
        return m.group(1);
    }

    /** Compiles one class in memory and loads it. */
    private static Class<?> compile(String name, String source) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        JavaFileManager files = new ForwardingJavaFileManager<>(javac.getStandardFileManager(null, null, null)) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return classes.computeIfAbsent(className, k -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        StringBuilder errors = new StringBuilder();
        boolean ok = javac.getTask(null, files, d -> errors.append(d).append('\n'), List.of("--release", "17"), null,
                List.of(unit)).call();
        assertThat(ok).as("the verifier in docs/webhooks.md compiles: %s", errors).isTrue();
        ClassLoader loader = new ClassLoader(WebhookVerifierDocTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String n) throws ClassNotFoundException {
                ByteArrayOutputStream b = classes.get(n);
                if (b == null) {
                    throw new ClassNotFoundException(n);
                }
                return defineClass(n, b.toByteArray(), 0, b.size());
            }
        };
        return loader.loadClass(name);
    }
}
