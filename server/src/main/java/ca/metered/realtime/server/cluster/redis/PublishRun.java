package ca.metered.realtime.server.cluster.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes queued one after the other in the {@link CommandPipe}, written as one command: one
 * {@code PUBLISH} for a run of one, else one {@code EVAL} of a script that publishes each
 * (topic, payload) in turn and answers every receiver count. A script runs atomically and in
 * order, so what subscribers see, and what a dropped connection fails, is what the single
 * {@code PUBLISH}es would give. One command instead of many is where the node's CPU per
 * cross-node message went: each command is its own objects, encoding, buffer, timeout and reply
 * for the client, and its own parse for Redis.
 *
 * <p>Not thread-safe: gathered and written by the pipe's writer. The answers complete on the
 * thread that completes the command (a Lettuce event loop), in run order.
 */
final class PublishRun {
    private static final byte[] PUBLISH_MANY = """
            local counts = {}
            for i = 1, #ARGV, 2 do
              counts[#counts + 1] = redis.call('PUBLISH', ARGV[i], ARGV[i + 1])
            end
            return counts
            """.getBytes(StandardCharsets.UTF_8);

    /** topic, payload, topic, payload, … */
    private final List<String> pairs = new ArrayList<>();
    private final List<CompletableFuture<Long>> answers = new ArrayList<>();

    /** @param answer completed with the number of receivers, or with the command's failure */
    void add(String topic, String payload, CompletableFuture<Long> answer) {
        pairs.add(topic);
        pairs.add(payload);
        answers.add(answer);
    }

    boolean isEmpty() {
        return answers.isEmpty();
    }

    /** The one command that carries the run; each answer completes from its reply. */
    RedisCommand<String, String, ?> command() {
        if (answers.size() == 1) {
            CompletableFuture<Long> answer = answers.get(0);
            AsyncCommand<String, String, Long> c = new AsyncCommand<>(new Command<>(CommandType.PUBLISH,
                    new IntegerOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).addKey(pairs.get(0)).addValue(pairs.get(1))));
            c.whenComplete((n, err) -> {
                if (err != null) {
                    answer.completeExceptionally(err);
                } else {
                    answer.complete(n);
                }
            });
            return c;
        }
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add(PUBLISH_MANY).add(0);
        for (String s : pairs) {
            args.addValue(s);
        }
        AsyncCommand<String, String, List<Object>> c = new AsyncCommand<>(new Command<>(CommandType.EVAL,
                new NestedMultiOutput<>(StringCodec.UTF8), args));
        c.whenComplete((counts, err) -> {
            for (int i = 0; i < answers.size(); i++) {
                CompletableFuture<Long> answer = answers.get(i);
                if (err != null) {
                    answer.completeExceptionally(err);
                } else if (counts != null && i < counts.size() && counts.get(i) instanceof Long n) {
                    answer.complete(n);
                } else {
                    answer.completeExceptionally(new RedisException("unexpected reply to a run of publishes: " + counts));
                }
            }
        });
        return c;
    }
}
