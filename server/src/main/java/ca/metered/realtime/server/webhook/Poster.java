package ca.metered.realtime.server.webhook;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Sends one delivery: a POST of a JSON body with the given headers. The production
 * implementation is {@link JdkPoster}; unit tests answer by hand.
 *
 * <p>Implementations are thread-safe and never block the caller; the stage never completes
 * exceptionally (a failure is an {@link Answer} without a status).
 */
interface Poster {

    CompletionStage<Answer> post(URI url, Map<String, String> headers, byte[] body);

    /**
     * What came back.
     *
     * @param status     the HTTP status; 0 when there was no answer (refused, reset, timed out)
     * @param retryAfter the {@code Retry-After} header, or {@code null}
     * @param problem    why there was no answer, for the logs; {@code null} with a status
     */
    record Answer(int status, String retryAfter, String problem) {
        static Answer status(int status, String retryAfter) {
            return new Answer(status, retryAfter, null);
        }

        static Answer noAnswer(String problem) {
            return new Answer(0, null, problem);
        }

        /** Only a 2xx is a delivery: a redirect is not followed, so it is a failure too. */
        boolean delivered() {
            return status >= 200 && status < 300;
        }

        /** For the logs and the dashboard. */
        String describe() {
            return status == 0 ? problem : "HTTP " + status;
        }
    }
}
