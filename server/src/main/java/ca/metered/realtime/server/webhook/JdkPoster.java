package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.time.Cancellable;
import ca.metered.realtime.server.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Deliveries over the JDK's {@link HttpClient}: HTTP/1.1, no redirects followed (a 3xx is an
 * answer like any other, so an endpoint can never send events to another host), a connect
 * timeout, a response timeout, and a deadline over the whole exchange after which it is
 * cancelled (a receiver that trickles its body cannot hold a request open). Response bodies are
 * read and discarded, never kept.
 *
 * <p>Thread-safe. Stages complete on the client's executor threads ({@code rms-webhook-http}) or
 * on the scheduler's thread (deadline).
 */
final class JdkPoster implements Poster, AutoCloseable {
    private final HttpClient client;
    private final ExecutorService executor;
    private final Scheduler scheduler;
    private final Duration timeout;
    private final String userAgent;

    JdkPoster(Scheduler scheduler, Duration timeout, String userAgent) {
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.userAgent = userAgent;
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "rms-webhook-http");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .executor(executor)
                .build();
    }

    @Override
    public CompletionStage<Answer> post(URI url, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        CompletableFuture<HttpResponse<Void>> exchange;
        try {
            exchange = client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Answer.noAnswer(e.toString()));
        }
        // The request timeout covers the wait for the response headers; this covers the body too.
        Cancellable deadline = scheduler.schedule(timeout.plusMillis(100), () -> exchange.cancel(true));
        return exchange.handle((response, err) -> {
            deadline.cancel();
            if (err == null) {
                return Answer.status(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null));
            }
            return Answer.noAnswer(describe(err));
        });
    }

    private String describe(Throwable err) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (t instanceof HttpTimeoutException || t instanceof CancellationException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
