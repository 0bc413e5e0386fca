package ca.metered.realtime.examples.chat;

import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.examples.Tokens;
import ca.metered.realtime.examples.Waits;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Chat with presence: each user gets a JWT whose {@code peerMetadata} carries the display name and
 * whose permissions lack {@code send} (chat is broadcast only); the roster comes from presence, lines
 * from publishes with the sender's metadata attached by the server.
 *
 * <p>Run it against {@code ./rms serve} (the dev app prints its secret key id and secret):
 * <pre>
 * mvn -B -q -DskipTests package
 * java -cp examples/target/rms-examples.jar ca.metered.realtime.examples.chat.ChatExample \
 *     ws://127.0.0.1:8080 sk_id_…:sk_secret_… alice      # then type lines; /who lists the room
 * java -cp examples/target/rms-examples.jar ca.metered.realtime.examples.chat.ChatExample \
 *     ws://127.0.0.1:8080 sk_id_…:sk_secret_… bob        # in a second terminal
 * </pre>
 * With {@code demo} instead of a username it runs {@link #run} once (two users, a few lines each)
 * and exits.
 */
public final class ChatExample {
    static final String ROOM = "chat/lobby";

    private ChatExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ChatExample <url> <sk_id:sk_secret> <username|demo>");
            System.exit(2);
        }
        if (args[2].equals("demo")) {
            Result r = run(args[0], args[1], 3);
            System.out.println("alice saw roster " + r.aliceRoster() + " and " + r.aliceLines().size() + " lines");
            return;
        }
        Tokens tokens = new Tokens(args[0], args[1]);
        try (SignallingClient client = user(args[0], tokens, args[2]);
                ChatRoom room = new ChatRoom(client, ROOM, System.out::println)) {
            client.connect().join();
            room.join().join();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("/who")) {
                    System.out.println("in the room: " + room.roster().values());
                } else if (!line.isBlank()) {
                    room.say(line).exceptionally(e -> {
                        System.out.println("! not sent: " + e.getMessage());
                        return null;
                    });
                }
            }
        }
    }

    /** A chat user: their name in peerMetadata; may subscribe, publish and see presence in chat/*. */
    static SignallingClient user(String url, Tokens tokens, String username) {
        Tokens.Grant grant = new Tokens.Grant(username, List.of("chat/*"),
                List.of("subscribe", "publish", "presence"),
                Map.of("username", username, "avatarUrl", "https://example.com/" + username + ".png"));
        return SignallingClient.create(SignallingClientOptions.builder().url(url)
                .tokenProvider(tokens.provider(grant)).build());
    }

    /** What the demo run observed, from alice's side. */
    public record Result(Map<String, String> aliceRoster, List<ChatRoom.Line> aliceLines,
                         Map<String, String> aliceRosterAfterBobLeft, List<String> aliceScreen) {
    }

    /**
     * Bounded demo: alice and bob join, each says {@code count} lines, alice waits for all of them,
     * bob leaves, alice sees him go.
     */
    public static Result run(String url, String secretKey, int count) {
        Tokens tokens = new Tokens(url, secretKey);
        Duration timeout = Duration.ofSeconds(20);
        List<String> aliceScreen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (SignallingClient alice = user(url, tokens, "alice");
                ChatRoom aliceRoom = new ChatRoom(alice, ROOM, aliceScreen::add)) {
            alice.connect().join();
            aliceRoom.join().join();
            Map<String, String> rosterWithBob;
            try (SignallingClient bob = user(url, tokens, "bob");
                    ChatRoom bobRoom = new ChatRoom(bob, ROOM, line -> { })) {
                bob.connect().join();
                bobRoom.join().join();
                Waits.until(() -> aliceRoom.roster().containsKey("bob"), timeout, "alice to see bob join");
                Waits.until(() -> bobRoom.roster().containsKey("alice"), timeout, "bob's snapshot with alice");
                rosterWithBob = aliceRoom.roster();
                bobRoom.typing().join();
                for (int i = 1; i <= count; i++) {
                    aliceRoom.say("hi #" + i).join();
                    bobRoom.say("hello #" + i).join();
                }
                Waits.until(() -> aliceRoom.lines().size() == 2 * count, timeout, "alice to get every line");
                Waits.until(() -> bobRoom.lines().size() == 2 * count, timeout, "bob to get every line");
            }
            Waits.until(() -> !aliceRoom.roster().containsKey("bob"), timeout, "alice to see bob leave");
            return new Result(rosterWithBob, aliceRoom.lines(), aliceRoom.roster(), List.copyOf(aliceScreen));
        }
    }
}
