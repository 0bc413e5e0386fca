package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.auth.Refusal;
import ca.metered.realtime.server.connection.Connection;
import ca.metered.realtime.server.ice.IceServerProvider;
import ca.metered.realtime.server.metrics.NodeMetrics;
import ca.metered.realtime.server.pubsub.MessageService;
import ca.metered.realtime.server.pubsub.Memberships;
import ca.metered.realtime.server.pubsub.Outcome;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol of one connection (protocol.md 2–3): the {@code welcome}, and each command
 * handed to the core service that does it, answered with {@code ack} or {@code error}. Knows
 * frames, not sockets.
 *
 * <p>Runs on the connection's event loop ({@link CommandSequencer}); answers that wait on the
 * backplane are queued from the thread that completes them, through the connection's
 * thread-safe outbound queue.
 */
final class Commands implements CommandSequencer.Handler {
    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    private final Connection connection;
    private final Memberships memberships;
    private final MessageService messages;
    private final IceServerProvider iceServers;

    private final NodeMetrics metrics;

    Commands(Connection connection, Memberships memberships, MessageService messages, IceServerProvider iceServers,
             NodeMetrics metrics) {
        this.connection = connection;
        this.memberships = memberships;
        this.messages = messages;
        this.iceServers = iceServers;
        this.metrics = metrics;
    }

    /** The first frame of every connection (protocol.md 2.5), with the app's ICE servers (docs/turn.md). */
    void welcome(Clock clock, int maxMessageSize) {
        Grant grant = connection.grant();
        RawJson metadata = iceServers.welcomeMetadata(grant);
        write(new ServerFrame.Welcome(grant.peerId(), clock.instant().getEpochSecond(), grant.expiresAtEpochSeconds(),
                maxMessageSize, metadata));
    }

    @Override
    public CompletionStage<?> handle(CommandSequencer.Item item) {
        if (item instanceof CommandSequencer.Binary) {
            error(new Refusal(ErrorCode.MALFORMED_MESSAGE, "binary frames are not supported; send JSON text frames"),
                    null);
            return null;
        }
        if (item instanceof CommandSequencer.Invalid invalid) {
            write(invalid.result().toFrame());
            return null;
        }
        ClientFrame frame = ((CommandSequencer.Command) item).frame();
        try {
            return dispatch(frame);
        } catch (RuntimeException e) {
            log.error("internal error handling {} from peer {}", frame.kind(), connection.peerId(), e);
            error(new Refusal(ErrorCode.INTERNAL_ERROR, "internal error"), frame.requestId());
            return null;
        }
    }

    private CompletionStage<?> dispatch(ClientFrame frame) {
        return switch (frame.kind()) {
            case SUBSCRIBE -> subscribe((ClientFrame.Subscribe) frame);
            case UNSUBSCRIBE -> {
                ClientFrame.Unsubscribe f = (ClientFrame.Unsubscribe) frame;
                yield memberships.unsubscribe(connection, f.channel()).thenRun(() -> ack(f.requestId()));
            }
            case PUBLISH -> {
                ClientFrame.Publish f = (ClientFrame.Publish) frame;
                yield messages.publish(connection.sender(), f.channel(), f.data())
                        .thenAccept(outcome -> answer(outcome, f.requestId()));
            }
            case SEND -> {
                ClientFrame.Send f = (ClientFrame.Send) frame;
                yield messages.send(connection.sender(), f.to(), f.data())
                        .thenAccept(outcome -> answer(outcome, f.requestId()));
            }
            case PING -> {
                write(new ServerFrame.Pong());
                yield null;
            }
            // The extensions of protocol.md 9 that this server does not serve yet: as unknown as before.
            case HISTORY, REFRESH -> {
                error(new Refusal(ErrorCode.UNKNOWN_TYPE, "unknown type \""
                        + frame.kind().name().toLowerCase(java.util.Locale.ROOT) + "\""), frame.requestId());
                yield null;
            }
        };
    }

    private CompletionStage<?> subscribe(ClientFrame.Subscribe f) {
        String rid = f.requestId();
        return memberships.subscribe(connection, f.channel(), f.includeSenderMetadata(), (List<ServerFrame.PresenceEntry> snapshot) -> {
            ack(rid);
            write(new ServerFrame.Presence(f.channel(), snapshot, List.of()));
        }).thenAccept(outcome -> {
            if (outcome instanceof Outcome.Refused<Void> refused) {
                error(refused.refusal(), rid);
            }
        });
    }

    private void answer(Outcome<?> outcome, String rid) {
        if (outcome instanceof Outcome.Refused<?> refused) {
            error(refused.refusal(), rid);
        } else {
            ack(rid);
        }
    }

    private void ack(String rid) {
        if (rid != null) {
            write(new ServerFrame.Ack(rid));
        }
    }

    private void error(Refusal refusal, String rid) {
        metrics.error(refusal.code());
        write(new ServerFrame.Error(refusal.code().wireName(), refusal.message(), rid));
    }

    private void write(ServerFrame frame) {
        connection.deliver(FrameCodec.encode(frame));
    }
}
