package ca.metered.realtime.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.it.RealServer;
import org.junit.jupiter.api.Test;

class ChatExampleIT {
    @Test
    void usersSeeEachOtherInTheRosterByNameAndGetEveryLineWithTheSendersName() {
        try (RealServer server = RealServer.start(0)) {
            ChatExample.Result r = ChatExample.run(server.url(), RealServer.SECRET_KEY, 3);

            assertThat(r.aliceRoster()).containsEntry("bob", "bob").doesNotContainKey("alice");
            assertThat(r.aliceLines()).hasSize(6);
            assertThat(r.aliceLines()).filteredOn(l -> l.username().equals("me")).hasSize(3);
            assertThat(r.aliceLines()).filteredOn(l -> l.peerId().equals("bob"))
                    .extracting(ChatRoom.Line::username, ChatRoom.Line::text)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("bob", "hello #1"),
                            org.assertj.core.groups.Tuple.tuple("bob", "hello #2"),
                            org.assertj.core.groups.Tuple.tuple("bob", "hello #3"));
            assertThat(r.aliceRosterAfterBobLeft()).isEmpty();
            assertThat(r.aliceScreen()).contains("* bob joined", "  bob is typing…", "[me] hi #1", "[bob] hello #3",
                    "* bob left");
        }
    }
}
