package ca.metered.realtime.examples.iot;

import ca.metered.realtime.examples.Tokens;
import ca.metered.realtime.examples.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * IoT telemetry: devices publish to {@code fleet/sensor-<id>/telemetry} and listen on their command
 * channel; a backend watches all of them through one wildcard subscription and sends commands.
 *
 * <p>Run against {@code ./rms serve} (the dev app prints its secret key id and secret):
 * <pre>
 * mvn -B -q -DskipTests package
 * E="java -cp examples/target/rms-examples.jar ca.metered.realtime.examples.iot.IotExample"
 * $E ws://127.0.0.1:8080 sk_id_…:sk_secret_… backend           # prints every reading
 * $E ws://127.0.0.1:8080 sk_id_…:sk_secret_… device sensor-1   # publishes a reading per interval
 * $E ws://127.0.0.1:8080 sk_id_…:sk_secret_… demo              # the bounded run below, then exits
 * </pre>
 * Ctrl-C stops the long-running roles. Restart the server meanwhile: both reconnect and go on.
 */
public final class IotExample {
    private IotExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: IotExample <url> <sk_id:sk_secret> backend | device <sensor-id> | demo");
            System.exit(2);
        }
        Tokens tokens = new Tokens(args[0], args[1]);
        switch (args[2]) {
            case "backend" -> {
                try (Backend backend = new Backend(args[0], tokens, 30.0)) {
                    backend.start().join();
                    System.out.println("watching " + Backend.TELEMETRY + "; Ctrl-C to stop");
                    while (true) {
                        Thread.sleep(2000);
                        System.out.println(backend.readings() + " readings; latest " + backend.latest());
                    }
                }
            }
            case "device" -> {
                String id = args.length > 3 ? args[3] : "sensor-1";
                try (Device device = new Device(args[0], tokens, id)) {
                    device.start().join();
                    double t = 20;
                    while (true) {
                        t += ThreadLocalRandom.current().nextDouble(-0.5, 1.0);
                        double reading = t;
                        device.publishReading(reading).whenComplete((ok, e) -> System.out.println(
                                e == null ? id + " " + String.format("%.1f", reading) : id + " not sent: " + e.getMessage()));
                        Thread.sleep(device.intervalMs());
                    }
                }
            }
            case "demo" -> System.out.println(run(args[0], args[1], 3, 5));
            default -> {
                System.err.println("unknown role " + args[2]);
                System.exit(2);
            }
        }
    }

    /** What the demo observed. */
    public record Result(long readings, long acks, Map<String, Long> intervalsMs, int commandsReceived) {
    }

    /**
     * Bounded demo: {@code devices} sensors publish {@code readingsPerDevice} readings each; the
     * last device runs hot, so the backend commands it to report every 100 ms and it acks.
     */
    public static Result run(String url, String secretKey, int devices, int readingsPerDevice) {
        Tokens tokens = new Tokens(url, secretKey);
        Duration timeout = Duration.ofSeconds(20);
        List<Device> fleet = new ArrayList<>();
        try (Backend backend = new Backend(url, tokens, 30.0)) {
            backend.start().join();
            for (int i = 1; i <= devices; i++) {
                Device d = new Device(url, tokens, "sensor-" + i);
                fleet.add(d);
                d.start().join();
            }
            for (int r = 0; r < readingsPerDevice; r++) {
                for (Device d : fleet) {
                    boolean hot = d == fleet.get(fleet.size() - 1);
                    d.publishReading(hot ? 35.0 + r : 20.0 + r * 0.1).join();
                }
            }
            long expected = (long) devices * readingsPerDevice;
            Waits.until(() -> backend.readings() == expected, timeout, "every reading at the backend");
            Waits.until(() -> backend.acks() == 1, timeout, "the hot device's ack");
            Map<String, Long> intervals = new java.util.TreeMap<>();
            int commands = 0;
            for (Device d : fleet) {
                intervals.put(d.id(), d.intervalMs());
                commands += d.commands().size();
            }
            return new Result(backend.readings(), backend.acks(), intervals, commands);
        } finally {
            fleet.forEach(Device::close);
        }
    }
}
