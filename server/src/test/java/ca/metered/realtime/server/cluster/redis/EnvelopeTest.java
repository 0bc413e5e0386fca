package ca.metered.realtime.server.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.cluster.Publication;
import ca.metered.realtime.server.history.redis.RedisHistory;
import org.junit.jupiter.api.Test;

/** The {@code m} payload: the same line format as the tail {@code publish.lua} carries, and it parses back. */
class EnvelopeTest {

    @Test
    void aPublicationIsItsKindThenItsTailAndParsesBack() {
        for (RawJson meta : new RawJson[] {null, RawJson.of("{\"name\":\"ünï\\ncode\"}"), RawJson.of("{}")}) {
            Publication p = new Publication("node-1", 42, "app", "room/1", "peer-é", RawJson.of("{\"t\":\"a\\nb\"}"), meta);
            String m = Envelope.publication(p);
            assertThat(m).isEqualTo(RedisHistory.PLAIN + "\n" + Envelope.tail(p).text());
            assertThat(Envelope.kind(m)).isEqualTo(RedisHistory.PLAIN);
            assertThat(Envelope.parsePublication("app", "room/1", m)).isEqualTo(p);
        }
    }
}
