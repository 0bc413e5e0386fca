// The Java SDK and the official JS SignallingClient in the same channel through
// our server. The Java side is the `rms listen` / `rms publish` / `rms send`
// commands of the same jar (they are thin wrappers over the Java
// SignallingClient and print each SDK event as one JSON line), so both
// directions are asserted on real SDK events: messages, directs and presence
// with peerMetadata.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { jarPath, uniq, useServer, withDeadline, Recorder } from "./harness.mjs";

const ctx = useServer();
const JAVA_WAIT_MS = 30_000; // a JVM start plus a connect, on a busy 2-core machine

const javas = new Set();
after(() => {
  for (const j of javas) j.kill("SIGKILL");
});

/** `java -jar rms.jar <args>`; every stdout line is parsed and recorded as an event. */
function rms(args) {
  const child = spawn("java", ["-jar", jarPath(), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  javas.add(child);
  const rec = new Recorder();
  let buf = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    buf += chunk.toString("utf8");
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const ev = JSON.parse(line);
      rec.push(ev.event, ev);
    }
  });
  child.stderr.on("data", (chunk) => (stderr += chunk.toString("utf8")));
  const exited = new Promise((resolveExit) =>
    child.on("exit", (code, signal) => {
      javas.delete(child);
      resolveExit({ code, signal, stderr });
    }),
  );
  return { child, rec, exited, wait: (ev, pred, what) => rec.waitFor(ev, pred, { timeoutMs: JAVA_WAIT_MS, what }) };
}

/** Runs a one-shot command (publish/send) to its end. */
async function rmsOnce(args) {
  const r = rms(args);
  return withDeadline(r.exited, JAVA_WAIT_MS, `rms ${args[0]} to exit`);
}

async function token(peerId, peerMetadata) {
  return (await ctx.server.mintToken({ peerId, peerMetadata })).token;
}

// Every Java test runs once per WebSocket transport of the Java SDK: the JDK's (the default) and
// Netty's (module sdk-netty), through `rms … --transport`.
for (const transport of ["jdk", "netty"]) {
  const T = ["--transport", transport];

  test(`Java listener (${transport}) and JS client: presence with metadata, messages and directs both ways`, async () => {
    const channel = uniq("room");
    const javaId = uniq("java");
    const jsId = uniq("js");
    const javaMeta = { name: "Java", lang: "java", n: 1 };
    const jsMeta = { name: "JS", lang: "js", tags: ["a", "b"] };

    // The JS client is in the channel first.
    const js = await ctx.pool.connected(ctx.server, { tokenProvider: () => token(jsId, jsMeta) });
    await js.client.subscribe(channel, { includeSenderMetadata: true });
    await js.rec.waitFor("presence", (p) => p.channel === channel, { what: "js snapshot" });
    const jsMark = js.rec.mark;

    // Java joins: its snapshot lists the JS peer with metadata; JS sees Java join with metadata.
    const java = rms(["listen", ...T, "--url", ctx.server.wsBase, "--token", await token(javaId, javaMeta),
      "--channel", channel, "--include-sender-metadata"]);
    const connected = await java.wait("connected", () => true, "the Java client's welcome");
    assert.equal(connected.peerId, javaId);
    const snapshot = await java.wait("presence", (p) => p.channel === channel, "the Java client's snapshot");
    assert.deepEqual(snapshot, { event: "presence", channel, joined: [{ peerId: jsId, metadata: jsMeta }], left: [] });
    const javaJoined = await js.rec.waitFor("presence", (p) => p.joined.some((j) => j.peerId === javaId),
      { from: jsMark, timeoutMs: JAVA_WAIT_MS, what: "JS sees the Java peer join" });
    assert.deepEqual(javaJoined.joined, [{ peerId: javaId, metadata: javaMeta }]);

    // JS -> Java: a publish with sender metadata, and a direct.
    const payload = { text: "hello from JS", n: [1, 2.5, -3], nested: { ok: true, s: "ünïcødé 😀" } };
    await js.client.publish(channel, payload);
    const msg = await java.wait("message", (m) => m.from === jsId, "the JS publish at the Java client");
    assert.deepEqual(msg, { event: "message", channel, from: jsId, data: payload, fromMetadata: jsMeta });

    await js.client.send(javaId, { direct: "to java" });
    const direct = await java.wait("direct", (d) => d.from === jsId, "the JS direct at the Java client");
    assert.deepEqual(direct, { event: "direct", from: jsId, data: { direct: "to java" }, fromMetadata: jsMeta });

    // Java -> JS: a publish and a direct from Java peers with metadata (rms publish / rms send).
    const pubId = uniq("java-pub");
    const pubMeta = { name: "Java publisher" };
    const pub = await rmsOnce(["publish", ...T, "--url", ctx.server.wsBase, "--token", await token(pubId, pubMeta),
      "--channel", channel, "--data", JSON.stringify({ text: "hello from Java", list: [1, "two", null] })]);
    assert.equal(pub.code, 0, `rms publish: ${pub.stderr}`);
    const fromJava = await js.rec.waitFor("message", (m) => m.from === pubId, { what: "the Java publish at JS" });
    assert.deepEqual(fromJava, { channel, from: pubId, data: { text: "hello from Java", list: [1, "two", null] }, fromMetadata: pubMeta });

    const sent = await rmsOnce(["send", ...T, "--url", ctx.server.wsBase, "--token", await token(javaId, javaMeta),
      "--to", jsId, "--data", '"a bare string"']);
    assert.equal(sent.code, 0, `rms send: ${sent.stderr}`);
    const directAtJs = await js.rec.waitFor("direct", (d) => d.from === javaId, { what: "the Java direct at JS" });
    assert.deepEqual(directAtJs, { from: javaId, data: "a bare string", fromMetadata: javaMeta });

    // Presence left both ways: the JS client leaves, then the Java listener stops.
    const javaMark = java.rec.mark;
    await js.client.unsubscribe(channel);
    const jsLeft = await java.rec.waitFor("presence", (p) => p.left.some((l) => l.peerId === jsId),
      { from: javaMark, timeoutMs: JAVA_WAIT_MS, what: "the Java client sees JS leave" });
    assert.deepEqual(jsLeft.left.map((l) => l.peerId), [jsId]);

    await js.client.subscribe(channel);
    await js.rec.waitFor("presence", (p) => p.channel === channel && p.joined.some((j) => j.peerId === javaId),
      { from: jsMark + 1, what: "JS re-subscribed snapshot with the Java peer" });
    const mark2 = js.rec.mark;
    java.child.kill("SIGTERM");
    const exit = await withDeadline(java.exited, JAVA_WAIT_MS, "rms listen to exit on SIGTERM");
    assert.equal(exit.code, 0, exit.stderr);
    const javaLeft = await js.rec.waitFor("presence", (p) => p.left.some((l) => l.peerId === javaId),
      { from: mark2, what: "JS sees the Java peer leave" });
    assert.equal(javaLeft.channel, channel);
  });

  test(`Java one-shot commands (${transport}) report the server's error codes: peer_not_found, channel_not_authorized`, async () => {
    const gone = await rmsOnce(["send", ...T, "--url", ctx.server.wsBase, "--key", "pk_live_demo", "--to", uniq("nobody"),
      "--data", "{}"]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^rms: peer_not_found: /);
    const refused = await rmsOnce(["publish", ...T, "--url", ctx.server.wsBase, "--key", "pk_live_narrow",
      "--channel", "not-a-room", "--data", "1"]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^rms: channel_not_authorized: /);
  });
}
