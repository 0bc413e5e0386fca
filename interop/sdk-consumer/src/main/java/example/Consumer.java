package example;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.peer.webrtc.WebRtcJavaBinding;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Two SDK clients on one channel: one publishes, the other must receive it. Prints one line and
 * exits 0 on success; any failure is an exception and exit 1. Usage: Consumer <ws-url> <pk-key>.
 */
public final class Consumer {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String key = args[1];
        SignallingClientOptions options = SignallingClientOptions.builder().apiKey(key).url(url).build();
        try (SignallingClient receiver = SignallingClient.create(options);
             SignallingClient sender = SignallingClient.create(options)) {
            CompletableFuture<ClientEvent.Message> received = new CompletableFuture<>();
            receiver.on(ClientEvent.Message.class, received::complete);
            receiver.connect().get(10, TimeUnit.SECONDS);
            receiver.subscribe("consumer-check").get(10, TimeUnit.SECONDS);
            sender.connect().get(10, TimeUnit.SECONDS);
            sender.publish("consumer-check", Map.of("text", "hello from a Maven consumer")).get(10, TimeUnit.SECONDS);
            ClientEvent.Message m = received.get(10, TimeUnit.SECONDS);
            if (!"hello from a Maven consumer".equals(m.data().path("text").asText())) {
                throw new AssertionError("unexpected message " + m);
            }
            // sdk-webrtc resolves and links (its native library loads only when a binding is created).
            System.out.println("sdk-consumer: ok: received " + m.data() + " on " + m.channel()
                    + "; WebRTC binding class " + WebRtcJavaBinding.class.getSimpleName());
        }
    }
}
