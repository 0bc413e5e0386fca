package ca.metered.realtime.server.webhook;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Poster} that records every request and leaves it unanswered until the test answers
 * it. Thread-safe.
 */
final class FakePoster implements Poster {

    /** One POST as it was made, and the handle to answer it. */
    record Request(URI url, Map<String, String> headers, byte[] body, CompletableFuture<Answer> answer) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        void answer(int status) {
            answer.complete(Answer.status(status, null));
        }

        void answer(int status, String retryAfter) {
            answer.complete(Answer.status(status, retryAfter));
        }

        void noAnswer() {
            answer.complete(Answer.noAnswer("no answer within 5000 ms"));
        }
    }

    private final List<Request> requests = new ArrayList<>();

    @Override
    public synchronized CompletionStage<Answer> post(URI url, Map<String, String> headers, byte[] body) {
        Request r = new Request(url, headers, body, new CompletableFuture<>());
        requests.add(r);
        return r.answer();
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    synchronized Request last() {
        return requests.get(requests.size() - 1);
    }

    synchronized int count() {
        return requests.size();
    }

    /** Requests not answered yet. */
    synchronized List<Request> open() {
        return requests.stream().filter(r -> !r.answer().isDone()).toList();
    }
}
