package ca.metered.realtime.server.cluster.redis;

import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.DirectMessage;
import ca.metered.realtime.server.cluster.Publication;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import ca.metered.realtime.server.cluster.Tracking;
import ca.metered.realtime.server.history.Appended;
import ca.metered.realtime.server.history.redis.RedisHistory;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Broker} over Redis pub/sub. Every message and presence delta of a channel travels on
 * the channel's topic, this node's own included, so all nodes see one order per channel; a node
 * subscribes to a topic while it has local subscribers (one subscription per node, however many
 * connections). Directs go to the target's peer topic, which the nodes hosting the peer
 * subscribe to: {@code PUBLISH}'s receiver count tells whether the peer is online anywhere.
 * All traffic arrives on the one pub/sub connection, in Redis's order.
 *
 * <p>Thread-safe; {@link Inbound} is called from Lettuce's pub/sub thread.
 */
final class RedisBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

    private final CommandPipe pipe;
    private final RedisKeys keys;
    private final TopicSubscriptions subscriptions;
    private final RedisHistory history;
    /** Channel topics held when the pub/sub connection dropped, not yet confirmed re-subscribed. */
    private final Set<String> resubscribing = ConcurrentHashMap.newKeySet();
    private volatile Inbound inbound;

    RedisBroker(CommandPipe pipe, RedisKeys keys, TopicSubscriptions subscriptions, RedisHistory history) {
        this.pipe = pipe;
        this.keys = keys;
        this.subscriptions = subscriptions;
        this.history = history;
    }

    /**
     * The pub/sub connection dropped: what is published until Lettuce has re-subscribed a topic
     * never reaches this node. Each topic held now is reported to {@link Inbound#onResubscribed}
     * once Redis confirms it again, so positioned subscribers can be told to recover.
     */
    void connectionLost() {
        resubscribing.addAll(subscriptions.topics());
    }

    /** Where traffic goes from now on; called once by the backplane's start. */
    void deliverTo(Inbound inbound) {
        this.inbound = inbound;
    }

    /** Routes what the pub/sub connection receives to the {@link Inbound}. */
    RedisPubSubAdapter<String, String> listener() {
        return new Listener();
    }

    /**
     * One {@code PUBLISH} through the node's {@link CommandPipe}: written in call order, batched
     * with whatever else is waiting, completed (so acked) only by Redis's reply.
     */
    @Override
    public CompletionStage<Integer> publish(Publication p) {
        return pipe.publish(keys.channelTopic(p.appId(), p.channel()), Envelope.publication(p))
                .handle((receivers, err) -> {
                    if (err != null) {
                        // Redis is unreachable: local subscribers still get the message, and the
                        // publisher learns that remote ones may not (backend_error).
                        inbound.onPublication(p, Route.ALL);
                        throw new java.util.concurrent.CompletionException(err);
                    }
                    return receivers.intValue();
                });
    }

    /**
     * One script does the idempotency check, the offset, the stream entry and the {@code PUBLISH}
     * ({@link RedisHistory#publish}); nothing is delivered locally when Redis is unreachable, so a
     * retry with the same key is delivered once.
     */
    @Override
    public CompletionStage<Appended> publish(Publication p, Tracking t) {
        Envelope.Tail tail = Envelope.tail(p);
        return history.publish(p.appId(), p.channel(), t.retention(), t.idempotencyKey(), t.window(),
                keys.channelTopic(p.appId(), p.channel()), tail.text(), tail.entryStart());
    }

    @Override
    public CompletionStage<Boolean> direct(DirectMessage d) {
        return pipe.publish(keys.peerTopic(d.appId(), d.to()), Envelope.direct(d)).thenApply(n -> n > 0);
    }

    @Override
    public CompletionStage<Void> watchChannel(String appId, String channel) {
        return subscriptions.acquire(keys.channelTopic(appId, channel), false);
    }

    @Override
    public void unwatchChannel(String appId, String channel) {
        subscriptions.release(keys.channelTopic(appId, channel), false);
    }

    @Override
    public CompletionStage<Void> watchPeer(String appId, String peerId) {
        return subscriptions.acquire(keys.peerTopic(appId, peerId), false);
    }

    @Override
    public void unwatchPeer(String appId, String peerId) {
        subscriptions.release(keys.peerTopic(appId, peerId), false);
    }

    @Override
    public CompletionStage<Void> watchAllChannels(String appId) {
        return subscriptions.acquire(keys.allChannelsPattern(appId), true);
    }

    @Override
    public void unwatchAllChannels(String appId) {
        subscriptions.release(keys.allChannelsPattern(appId), true);
    }

    /** Routes a pub/sub delivery to the right {@link Inbound} call. */
    private final class Listener extends RedisPubSubAdapter<String, String> {
        @Override
        public void subscribed(String topic, long count) {
            if (!resubscribing.remove(topic)) {
                return;
            }
            String app = keys.appOf(topic);
            if (app != null && topic.startsWith(keys.channelTopicPrefix(app))) {
                inbound.onResubscribed(app, topic.substring(keys.channelTopicPrefix(app).length()));
            }
        }

        @Override
        public void message(String topic, String payload) {
            try {
                route(topic, payload, false);
            } catch (RuntimeException e) {
                log.error("could not handle backplane traffic on {}", topic, e);
            }
        }

        @Override
        public void message(String pattern, String topic, String payload) {
            try {
                route(topic, payload, true);
            } catch (RuntimeException e) {
                log.error("could not handle backplane traffic on {}", topic, e);
            }
        }

        private void route(String topic, String payload, boolean viaPattern) {
            Inbound in = inbound;
            char kind = Envelope.kind(payload);
            if (kind == 'k') {
                Envelope.Kick k = Envelope.parseKick(payload);
                in.onKick(k.appId(), k.peerId());
                return;
            }
            String app = keys.appOf(topic);
            if (app != null) {
                String chPrefix = keys.channelTopicPrefix(app);
                if (topic.startsWith(chPrefix)) {
                    String channel = topic.substring(chPrefix.length());
                    if (kind == RedisHistory.PLAIN) {
                        in.onPublication(Envelope.parsePublication(app, channel, payload),
                                viaPattern ? Route.WILDCARD : Route.EXACT);
                    } else if (kind == RedisHistory.POSITIONED) {
                        in.onPublication(Envelope.parsePositioned(app, channel, payload),
                                viaPattern ? Route.WILDCARD : Route.EXACT);
                    } else if (kind == 'p' && !viaPattern) {
                        in.onPresence(app, channel, Envelope.parsePresence(payload));
                    }
                    return;
                }
                String peerPrefix = keys.peerTopicPrefix(app);
                if (topic.startsWith(peerPrefix) && kind == 'd') {
                    in.onDirect(Envelope.parseDirect(app, topic.substring(peerPrefix.length()), payload));
                    return;
                }
            }
        }
    }
}
