package ca.metered.realtime.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleListenerTest {
    /** Records what it hears; one overrides the close with its status, the other without. */
    private static LifecycleListener recording(String name, List<String> heard, boolean withStatus) {
        return new LifecycleListener() {
            @Override
            public void connectionOpened(Member member) {
                heard.add(name + " opened");
            }

            @Override
            public void connectionClosed(Member member) {
                heard.add(name + " closed");
            }

            @Override
            public void connectionClosed(Member member, CloseStatus status) {
                if (withStatus) {
                    heard.add(name + " closed " + status.code());
                } else {
                    LifecycleListener.super.connectionClosed(member, status);
                }
            }

            @Override
            public void subscribed(Member member, String channel) {
                heard.add(name + " subscribed " + channel);
            }

            @Override
            public void unsubscribed(Member member, String channel) {
                heard.add(name + " unsubscribed " + channel);
            }
        };
    }

    @Test
    void allTellsEachListenerInOrderAndEachHearsTheCloseItOverrides() {
        List<String> heard = new ArrayList<>();
        LifecycleListener both = LifecycleListener.all(recording("metrics", heard, false), LifecycleListener.NONE,
                recording("webhooks", heard, true));
        both.connectionOpened(null);
        both.subscribed(null, "room");
        both.unsubscribed(null, "room");
        both.connectionClosed(null, new CloseStatus(4321, "bye"));
        assertThat(heard).containsExactly(
                "metrics opened", "webhooks opened",
                "metrics subscribed room", "webhooks subscribed room",
                "metrics unsubscribed room", "webhooks unsubscribed room",
                "metrics closed", "webhooks closed 4321");
    }

    @Test
    void allOfOneIsThatOneAndAllOfNoneIsNone() {
        LifecycleListener one = recording("one", new ArrayList<>(), false);
        assertThat(LifecycleListener.all(one, LifecycleListener.NONE)).isSameAs(one);
        assertThat(LifecycleListener.all(LifecycleListener.NONE)).isSameAs(LifecycleListener.NONE);
    }
}
