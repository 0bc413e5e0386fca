package ca.metered.realtime.server.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates client → server WebSocket traffic for {@link FuzzIT}: valid commands, commands with
 * wrong field types, mutated and truncated JSON, binary frames, pings and pongs, fragmented
 * messages, and — rarely, since each ends the connection — invalid UTF-8, oversized messages,
 * close frames valid and invalid, reserved opcodes and bits, unmasked frames, broken fragment
 * sequences, oversized control frames and frames cut off mid-way. Deterministic for a seed.
 *
 * <p>Not thread-safe: one per sending thread.
 */
final class WireFuzzer {
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CONT = 0;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    /** One burst to write: its frames (each a complete or deliberately broken wire frame). */
    record Burst(List<byte[]> frames, boolean endsConnection, String kind) {
    }

    private final SplittableRandom random;
    private final int maxMessageSize;

    WireFuzzer(long seed, int maxMessageSize) {
        this.random = new SplittableRandom(seed);
        this.maxMessageSize = maxMessageSize;
    }

    Burst next() {
        int roll = random.nextInt(1000);
        if (roll < 450) {
            return one(TEXT, utf8(validCommand()), "valid");
        }
        if (roll < 570) {
            return one(TEXT, utf8(wrongTypes()), "wrong-types");
        }
        if (roll < 720) {
            return one(TEXT, mutate(utf8(validCommand())), "mutated");
        }
        if (roll < 750) {
            return one(TEXT, utf8(printableGarbage()), "garbage");
        }
        if (roll < 800) {
            return one(BINARY, bytes(random.nextInt(300)), "binary");
        }
        if (roll < 880) {
            return one(random.nextBoolean() ? PING : PONG, bytes(random.nextInt(126)), "control");
        }
        if (roll < 970) {
            return fragmented(utf8(validCommand()));
        }
        return connectionEnding();
    }

    private Burst one(int opcode, byte[] payload, String kind) {
        return new Burst(List.of(frame(true, 0, opcode, payload, true)), false, kind);
    }

    /** A valid message in 2–5 fragments, sometimes with a ping between them (allowed, RFC 6455 5.4). */
    private Burst fragmented(byte[] message) {
        int parts = 2 + random.nextInt(4);
        List<byte[]> frames = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < parts; i++) {
            int end = i == parts - 1 ? message.length : at + (message.length - at) / (parts - i);
            byte[] chunk = java.util.Arrays.copyOfRange(message, at, end);
            frames.add(frame(i == parts - 1, 0, i == 0 ? TEXT : CONT, chunk, true));
            if (i < parts - 1 && random.nextInt(4) == 0) {
                frames.add(frame(true, 0, PING, bytes(8), true));
            }
            at = end;
        }
        return new Burst(frames, false, "fragmented");
    }

    private Burst connectionEnding() {
        return switch (random.nextInt(11)) {
            case 0 -> end(frame(true, 0, TEXT, new byte[] {'{', (byte) 0xc0, (byte) 0xaf, '}'}, true), "invalid-utf8");
            case 1 -> end(frame(true, 0, TEXT, filler(maxMessageSize + 1024 + 1 + random.nextInt(4096)), true), "oversized");
            case 2 -> end(frame(true, 0, CLOSE, closeBody(new int[] {0, 999, 1004, 1005, 1006, 1015, 2000, 5000, 65535}[random.nextInt(9)]), true), "invalid-close");
            case 3 -> end(frame(true, 0, CLOSE, closeBody(new int[] {1000, 1001, 3000, 4000}[random.nextInt(4)]), true), "close");
            case 4 -> end(frame(true, 0, 3 + random.nextInt(5), bytes(10), true), "reserved-opcode");
            case 5 -> end(frame(true, 1 + random.nextInt(7), TEXT, utf8("{\"type\":\"ping\"}"), true), "rsv-bits");
            case 6 -> end(frame(true, 0, TEXT, utf8("{\"type\":\"ping\"}"), false), "unmasked");
            case 7 -> end(frame(true, 0, CONT, utf8("orphan"), true), "orphan-continuation");
            case 8 -> new Burst(List.of(frame(false, 0, TEXT, utf8("{\"type\":"), true),
                    frame(true, 0, TEXT, utf8("{\"type\":\"ping\"}"), true)), true, "interleaved-fragments");
            case 9 -> end(frame(true, 0, PING, bytes(126 + random.nextInt(200)), true), "oversized-control");
            default -> {
                byte[] whole = frame(true, 0, TEXT, utf8(validCommand()), true);
                yield end(java.util.Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 1)), "truncated");
            }
        };
    }

    private static Burst end(byte[] frame, String kind) {
        return new Burst(List.of(frame), true, kind);
    }

    private String validCommand() {
        String rid = random.nextInt(4) == 0 ? "" : ",\"requestId\":\"r" + random.nextInt(1_000_000) + "\"";
        String channel = "\"fuzz-" + random.nextInt(16) + "\"";
        return switch (random.nextInt(6)) {
            case 0 -> "{\"type\":\"subscribe\",\"channel\":" + channel + rid
                    + (random.nextBoolean() ? ",\"includeSenderMetadata\":true" : "") + "}";
            case 1 -> "{\"type\":\"unsubscribe\",\"channel\":" + channel + rid + "}";
            case 2, 3 -> "{\"type\":\"publish\",\"channel\":" + channel + ",\"data\":" + jsonValue(3) + rid + "}";
            case 4 -> "{\"type\":\"send\",\"to\":\"peer-" + random.nextInt(8) + "\",\"data\":" + jsonValue(2) + rid + "}";
            default -> "{\"type\":\"ping\"" + rid + "}";
        };
    }

    private String wrongTypes() {
        String[] types = {"\"subscribe\"", "\"unsubscribe\"", "\"publish\"", "\"send\"", "\"ping\"", "\"nope\"", "1", "null",
            "[]", "{}", "true"};
        String[] values = {"1", "-0.5e3", "null", "true", "[]", "{}", "[\"x\"]", "\"\"", "\"" + "x".repeat(300) + "\"",
            "{\"a\":{\"b\":[1,2]}}", "\"_metered/x\"", "\"a*\"", "\"\\u0000\""};
        StringBuilder b = new StringBuilder("{\"type\":").append(types[random.nextInt(types.length)]);
        for (String field : new String[] {"channel", "to", "data", "requestId", "includeSenderMetadata"}) {
            if (random.nextBoolean()) {
                b.append(",\"").append(field).append("\":").append(values[random.nextInt(values.length)]);
            }
        }
        return b.append('}').toString();
    }

    private String jsonValue(int depth) {
        int kind = depth == 0 ? random.nextInt(4) : random.nextInt(6);
        return switch (kind) {
            case 0 -> String.valueOf(random.nextLong());
            case 1 -> "\"s" + random.nextInt(1000) + "\\u00e9\\n\u00e9\"";
            case 2 -> new String[] {"null", "true", "false", "1.10", "-1e-7", "123456789012345678901234567890"}[random.nextInt(6)];
            case 3 -> "\"" + "x".repeat(random.nextInt(200)) + "\"";
            case 4 -> "[" + jsonValue(depth - 1) + "," + jsonValue(depth - 1) + "]";
            default -> "{\"k\":" + jsonValue(depth - 1) + ",\"a\":" + jsonValue(depth - 1) + "}";
        };
    }

    private String printableGarbage() {
        char[] c = new char[random.nextInt(100)];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) (' ' + random.nextInt(95));
        }
        return new String(c);
    }

    /** 1–4 edits that keep the bytes valid UTF-8 (ASCII only), so the frame is read, not refused. */
    private byte[] mutate(byte[] in) {
        StringBuilder b = new StringBuilder(new String(in, StandardCharsets.UTF_8));
        for (int n = 1 + random.nextInt(4); n > 0 && b.length() > 0; n--) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(4)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, "{}[]\":,\\ 0a-".charAt(random.nextInt(12)));
                case 2 -> b.setCharAt(at, (char) (' ' + random.nextInt(95)));
                default -> b.setLength(at);
            }
        }
        return utf8(b.toString());
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    private static byte[] filler(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 'x');
        return b;
    }

    private static byte[] closeBody(int code) {
        return new byte[] {(byte) (code >>> 8), (byte) code, 'b', 'y', 'e'};
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One wire frame; {@code masked} false makes the protocol violation of an unmasked client frame. */
    private byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
        b.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int len = payload.length;
        int maskBit = masked ? 0x80 : 0;
        if (len < 126) {
            b.write(maskBit | len);
        } else if (len < 65536) {
            b.write(maskBit | 126);
            b.write(len >>> 8);
            b.write(len);
        } else {
            b.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                b.write((int) ((long) len >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        if (masked) {
            for (int i = 0; i < 4; i++) {
                mask[i] = (byte) random.nextInt(256);
            }
            b.write(mask, 0, 4);
        }
        for (int i = 0; i < len; i++) {
            b.write(masked ? payload[i] ^ mask[i & 3] : payload[i]);
        }
        return b.toByteArray();
    }
}
