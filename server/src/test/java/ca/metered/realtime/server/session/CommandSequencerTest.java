package ca.metered.realtime.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.connection.Link;
import ca.metered.realtime.server.connection.RecordingLink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 2.3: commands run one at a time, except that a run of publishes pipelines. */
class CommandSequencerTest {
    private final List<String> ran = new ArrayList<>();
    /** Commands whose answer is held back, by requestId. */
    private final Map<String, CompletableFuture<Void>> waiting = new HashMap<>();
    private final RecordingLink link = new RecordingLink();
    private final CommandSequencer sequencer = new Sequencer(Runnable::run, link);

    /** A sequencer on a given executor and link whose items run {@link #handle}. */
    private final class Sequencer extends CommandSequencer {
        private final Executor loop;
        private final Link link;

        Sequencer(Executor loop, Link link) {
            super(Limits.defaults(), 0);
            this.loop = loop;
            this.link = link;
        }

        @Override
        CompletionStage<?> handle(Item item) {
            return CommandSequencerTest.this.handle(item);
        }

        @Override
        Executor loop() {
            return loop;
        }

        @Override
        Link link() {
            return link;
        }

        @Override
        Limits limits() {
            return Limits.defaults();
        }

        @Override
        long nanoTime() {
            return 0;
        }

        @Override
        public int maxMessageBytes() {
            return 0;
        }
    }

    private CompletionStage<?> handle(CommandSequencer.Item item) {
        if (item instanceof CommandSequencer.Binary) {
            ran.add("binary");
            return null;
        }
        if (item instanceof CommandSequencer.Invalid) {
            ran.add("invalid");
            return null;
        }
        ClientFrame f = ((CommandSequencer.Command) item).frame();
        ran.add(f.requestId());
        CompletableFuture<Void> answer = new CompletableFuture<>();
        waiting.put(f.requestId(), answer);
        return answer;
    }

    private static CommandSequencer.Item publish(String rid) {
        return CommandSequencer.Item.decode("{\"type\":\"publish\",\"channel\":\"c\",\"data\":1,\"requestId\":\"" + rid + "\"}");
    }

    private static CommandSequencer.Item subscribe(String rid) {
        return CommandSequencer.Item.decode("{\"type\":\"subscribe\",\"channel\":\"c\",\"requestId\":\"" + rid + "\"}");
    }

    private void answer(String rid) {
        waiting.remove(rid).complete(null);
    }

    @Test
    void nothingRunsBeforeStartThenEverythingThatWaitedRunsInOrder() {
        sequencer.submit(new CommandSequencer.Binary());
        sequencer.submit(CommandSequencer.Item.decode("not json"));
        assertThat(ran).isEmpty();
        sequencer.startCommands();
        assertThat(ran).containsExactly("binary", "invalid");
    }

    @Test
    void aCommandThatWaitsOnTheBackplaneHoldsTheNextOnesBack() {
        sequencer.startCommands();
        sequencer.submit(subscribe("s1"));
        sequencer.submit(subscribe("s2"));
        sequencer.submit(publish("p1"));
        assertThat(ran).containsExactly("s1");
        answer("s1");
        assertThat(ran).containsExactly("s1", "s2");
        answer("s2");
        assertThat(ran).containsExactly("s1", "s2", "p1");
    }

    @Test
    void consecutivePublishesPipelineAndAnythingElseWaitsForAllOfThem() {
        sequencer.startCommands();
        sequencer.submit(publish("p1"));
        sequencer.submit(publish("p2"));
        sequencer.submit(subscribe("s1"));
        sequencer.submit(publish("p3"));
        assertThat(ran).containsExactly("p1", "p2");
        answer("p2");
        assertThat(ran).as("p1 still in flight").containsExactly("p1", "p2");
        answer("p1");
        assertThat(ran).containsExactly("p1", "p2", "s1");
        answer("s1");
        assertThat(ran).containsExactly("p1", "p2", "s1", "p3");
    }

    @Test
    void whatWaitsIsDroppedOnceTheConnectionIsClosing() {
        sequencer.startCommands();
        sequencer.submit(subscribe("s1"));
        sequencer.submit(subscribe("s2"));
        link.close(1000, "");
        answer("s1");
        assertThat(ran).containsExactly("s1");
    }

    @Test
    void answersThatArriveOnAnotherThreadAreBroughtBackToTheLoop() {
        List<Runnable> loop = new ArrayList<>();
        CommandSequencer onLoop = new Sequencer(loop::add, new RecordingLink());
        onLoop.startCommands();
        onLoop.submit(subscribe("s1"));
        onLoop.submit(subscribe("s2"));
        answer("s1");
        assertThat(ran).containsExactly("s1");
        assertThat(loop).hasSize(1);
        loop.remove(0).run();
        assertThat(ran).containsExactly("s1", "s2");
    }

    @Test
    void publishAnswersComeBackToTheLoopOnlyWhenTheLastInFlightIsAnsweredAndReleaseWhatWaited() {
        List<Runnable> loop = new ArrayList<>();
        CommandSequencer onLoop = new Sequencer(loop::add, new RecordingLink());
        onLoop.startCommands();
        onLoop.submit(publish("p1"));
        onLoop.submit(publish("p2"));
        onLoop.submit(subscribe("s3"));
        answer("p1");
        assertThat(loop).as("p2 still in flight: nothing to bring back").isEmpty();
        answer("p2");
        assertThat(ran).containsExactly("p1", "p2");
        assertThat(loop).hasSize(1);
        loop.remove(0).run();
        assertThat(ran).containsExactly("p1", "p2", "s3");
        // Answered with nothing waiting: the task finds nothing to do, and the next command runs at once.
        answer("s3");
        loop.remove(0).run();
        onLoop.submit(publish("p4"));
        answer("p4");
        loop.remove(0).run();
        onLoop.submit(subscribe("s5"));
        assertThat(ran).containsExactly("p1", "p2", "s3", "p4", "s5");
        assertThat(loop).isEmpty();
    }
}
