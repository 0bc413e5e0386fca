package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A channel nobody is on any more costs nothing: subscribing to ever new channels and leaving
 * them (by unsubscribe or by disconnecting) does not grow the server's live heap
 * (issue 9, item 2: a presence roster was kept per channel for ever).
 */
class ChannelChurnIT {
    private static final String YAML = TestServer.singleApp("", "messageRate: 10000000\nmessageBurst: 10000000");

    /** Subscribes to and leaves {@code n} unique channels on one raw connection, in batches. */
    private static void churnByUnsubscribe(RawWs raw, String prefix, int n) {
        int batch = 500;
        for (int start = 0; start < n; start += batch) {
            int end = Math.min(n, start + batch);
            for (int i = start; i < end; i++) {
                raw.sendText("{\"type\":\"subscribe\",\"channel\":\"" + prefix + i + "\"}");
                raw.sendText("{\"type\":\"unsubscribe\",\"channel\":\"" + prefix + i + "\",\"requestId\":\"u" + i + "\"}");
            }
            // every subscribe answers one presence snapshot; the last unsubscribe's ack comes last
            String last = "\"requestId\":\"u" + (end - 1) + "\"";
            while (!raw.readText().contains(last)) {
                // skip the answers before it
            }
        }
    }

    /** Connects, subscribes to one unique channel and disconnects, {@code n} times. */
    private static void churnByDisconnect(TestServer server, String prefix, int n, int otherSessions) {
        for (int i = 0; i < n; i++) {
            try (RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
                raw.readText(); // welcome
                raw.sendText("{\"type\":\"subscribe\",\"channel\":\"" + prefix + i + "\",\"requestId\":\"s\"}");
                while (!raw.readText().contains("\"ack\"")) {
                    // wait for the subscribe to be decided
                }
            }
        }
        server.awaitSessionCount(otherSessions);
    }

    @Test
    void fiftyThousandChannelsJoinedAndLeftLeaveTheLiveHeapWhereItWas() {
        try (TestServer server = TestServer.start(YAML)) {
            try (RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
                raw.readText(); // welcome
                churnByUnsubscribe(raw, "warm-", 5_000); // pools and caches reach their working size
                churnByDisconnect(server, "warm-d-", 200, 1);
                long before = Heap.liveBytes();
                churnByUnsubscribe(raw, "churn-", 50_000);
                churnByDisconnect(server, "churn-d-", 1_000, 1);
                long after = Heap.liveBytes();
                System.out.println("live heap before " + Heap.mib(before) + ", after 50,000 + 1,000 channels "
                        + Heap.mib(after) + " (" + Heap.mib(after - before) + ")");
                // A leak of a few hundred bytes per channel would be over 10 MiB here.
                assertThat(after - before).isLessThan(3L * 1024 * 1024);
            }
        }
    }
}
