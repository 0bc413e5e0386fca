package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.auth.Refusal;
import ca.metered.realtime.server.connection.Connection;
import ca.metered.realtime.server.history.HistoryEntry;
import ca.metered.realtime.server.history.HistoryRead;
import ca.metered.realtime.server.pubsub.Joined;
import ca.metered.realtime.server.pubsub.Outcome;
import ca.metered.realtime.server.pubsub.Published;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol of one connection (docs/protocol.md 2–3): the {@code welcome}, and each command
 * handed to the core service that does it, answered with {@code ack} or {@code error}. Knows
 * frames, not sockets.
 *
 * <p>Runs on the connection's event loop ({@link CommandSequencer}); answers that wait on the
 * backplane are queued from the thread that completes them, through the connection's
 * thread-safe outbound queue. Made per command by the {@link Session} (two references: cheaper
 * than keeping one per idle connection).
 */
final class Commands {
    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    private final Connection connection;
    /** The node's services (one reference, not one per service). */
    private final Sessions node;

    Commands(Connection connection, Sessions node) {
        this.connection = connection;
        this.node = node;
    }

    /** The first frame of every connection (docs/protocol.md 2.5), with the app's ICE servers (docs/turn.md). */
    void welcome(Clock clock, int maxMessageSize) {
        Grant grant = connection.grant();
        RawJson metadata = node.iceServers.welcomeMetadata(grant);
        write(new ServerFrame.Welcome(grant.peerId(), clock.instant().getEpochSecond(), grant.expiresAtEpochSeconds(),
                maxMessageSize, metadata));
    }

    /** Runs one of the client's commands; the {@link Session} is the sequencer's handler and calls this. */
    CompletionStage<?> handle(CommandSequencer.Item item) {
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
                yield node.memberships.unsubscribe(connection, f.channel()).thenRun(() -> ack(f.requestId()));
            }
            case PUBLISH -> {
                ClientFrame.Publish f = (ClientFrame.Publish) frame;
                yield node.messages.publish(connection.sender(), f.channel(), f.data(), f.idempotencyKey())
                        .thenAccept(outcome -> published(outcome, f.requestId()));
            }
            case SEND -> {
                ClientFrame.Send f = (ClientFrame.Send) frame;
                yield node.messages.send(connection.sender(), f.to(), f.data())
                        .thenAccept(outcome -> answer(outcome, f.requestId()));
            }
            case PING -> {
                write(new ServerFrame.Pong());
                yield null;
            }
            case HISTORY -> history((ClientFrame.History) frame);
            case REFRESH -> {
                ClientFrame.Refresh f = (ClientFrame.Refresh) frame;
                Outcome<Long> outcome = node.connections.refresh(connection, f.token());
                if (outcome instanceof Outcome.Refused<Long> refused) {
                    error(refused.refusal(), f.requestId());
                } else if (f.requestId() != null) {
                    write(ServerFrame.Ack.refreshed(f.requestId(), ((Outcome.Done<Long>) outcome).value()));
                }
                yield null;
            }
        };
    }

    private CompletionStage<?> subscribe(ClientFrame.Subscribe f) {
        String rid = f.requestId();
        return node.memberships.subscribe(connection, f.channel(), f.includeSenderMetadata(), f.recover(), (Joined joined) -> {
            if (rid != null) {
                write(joined.position() == null && joined.recovered() == null ? new ServerFrame.Ack(rid)
                        : ServerFrame.Ack.positioned(rid, joined.recovered(), joined.position()));
            }
            // Slices of the channel's encoded roster (docs/protocol.md 2.3): no entry is built,
            // encoded or copied here; the bytes are copied once, into the outbound buffer.
            connection.deliver(joined.presence().presenceSlices(f.channel()));
        }).thenAccept(outcome -> {
            if (outcome instanceof Outcome.Refused<Void> refused) {
                error(refused.refusal(), rid);
            }
        });
    }

    /** A publish's ack carries the message's position on a channel with history (docs/protocol.md 9). */
    private void published(Outcome<Published> outcome, String rid) {
        if (outcome instanceof Outcome.Refused<Published> refused) {
            error(refused.refusal(), rid);
        } else if (rid != null) {
            StreamPosition at = ((Outcome.Done<Published>) outcome).value().position();
            write(at == null ? new ServerFrame.Ack(rid) : ServerFrame.Ack.positioned(rid, null, at));
        }
    }

    private CompletionStage<?> history(ClientFrame.History f) {
        // A history answer is one frame: at most half the outbound cap, so it never closes the connection alone.
        return node.history.read(connection.permissions(), connection.appId(), f.channel(), f.limit(), f.since(),
                node.outboundCapBytes() / 2).thenAccept(outcome -> {
                    if (outcome instanceof Outcome.Refused<HistoryRead.Page> refused) {
                        error(refused.refusal(), f.requestId());
                    } else if (f.requestId() != null) {
                        HistoryRead.Page page = ((Outcome.Done<HistoryRead.Page>) outcome).value();
                        List<ServerFrame.Message> messages = new ArrayList<>(page.entries().size());
                        for (HistoryEntry e : page.entries()) {
                            messages.add(e.toMessage(f.channel(), page.position().epoch(), true));
                        }
                        write(ServerFrame.Ack.history(f.requestId(), page.position(), messages));
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
        node.metrics.error(refusal.code());
        write(new ServerFrame.Error(refusal.code().wireName(), refusal.message(), rid));
    }

    private void write(ServerFrame frame) {
        connection.deliver(FrameCodec.encode(frame));
    }
}
