// Server restart: SIGTERM sends going_away and closes with 1001 (docs/protocol.md 8);
// the official SDK reconnects by itself and replays its subscriptions
// (docs/sdk-behaviour.md 7.3), so a message published after the restart arrives.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { PK, Pool, RmsServer, restTokenProvider, uniq } from "./harness.mjs";

const pool = new Pool();
let server;
after(async () => {
  await pool.closeAll();
  if (server) await server.stop();
});

const FAST_RECONNECT = { initialDelayMs: 100, multiplier: 1.5, maxDelayMs: 1000, jitterRatio: 0.2, maxAttempts: 1000 };
const RESTART_WAIT_MS = 90_000;

test("after a server restart on the same port the SDK reconnects, resubscribes and receives again", async () => {
  server = await RmsServer.start();
  const port = server.port;
  const channel = uniq("restart");
  const sub = uniq("jwt-sub");

  const pkSub = await pool.connected(server, { apiKey: PK, reconnect: FAST_RECONNECT });
  const provider = restTokenProvider(server, { peerId: sub });
  const jwtSub = await pool.connected(server, { tokenProvider: provider, reconnect: FAST_RECONNECT });
  await pkSub.client.subscribe(channel);
  await jwtSub.client.subscribe(channel, { includeSenderMetadata: true });
  const raw = await pool.raw(`${server.wsBase}/v1?key=${PK}`);
  await raw.next((f) => f.type === "welcome");

  // Before: the channel works.
  const pre = await server.restPublish(channel, { data: { phase: "before" } });
  assert.equal(pre.status, 200, pre.text);
  await pkSub.rec.waitFor("message", (m) => m.data?.phase === "before");

  // --- stop (SIGTERM) ---
  const marks = { pk: pkSub.rec.mark, jwt: jwtSub.rec.mark };
  const exit = await server.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, "SIGTERM -> exit code 0");

  const goingAway = raw.frames.map((f) => f.frame).find((f) => f.type === "going_away");
  assert.ok(goingAway, `raw client got going_away; frames: ${raw.describe()}`);
  assert.equal(typeof goingAway.retryAfterMs, "number");
  assert.ok(goingAway.retryAfterMs > 0);
  assert.equal((await raw.waitClosed()).code, 1001);

  for (const c of [pkSub, jwtSub]) {
    const from = c === pkSub ? marks.pk : marks.jwt;
    const ga = await c.rec.waitFor("going-away", () => true, { from });
    assert.ok(ga.retryAfterMs > 0);
    const disc = await c.rec.waitFor("disconnected", () => true, { from });
    assert.equal(disc.code, 1001);
    assert.equal(disc.willReconnect, true);
  }

  // --- start again on the same port ---
  await server.restart();
  assert.equal(server.port, port);

  // Each client reconnects by itself (isReconnect) and its replayed subscribe
  // is answered with a presence snapshot for the channel.
  for (const c of [pkSub, jwtSub]) {
    const from = c === pkSub ? marks.pk : marks.jwt;
    const conn = await c.rec.waitForEntry("connected", (e) => e.isReconnect === true, {
      from,
      timeoutMs: RESTART_WAIT_MS,
      what: "connected {isReconnect:true}",
    });
    await c.rec.waitFor("presence", (p) => p.channel === channel, {
      from: conn.index,
      what: "presence snapshot for the replayed subscribe",
    });
    assert.equal(c.client.state, "connected");
  }
  const reconnected = jwtSub.rec.all("connected", (e) => e.isReconnect);
  assert.equal(reconnected.at(-1).peerId, sub, "a JWT peer keeps its peerId");
  assert.ok(provider.calls.length >= 2, "tokenProvider was called again for the reconnect");

  // After: a second SDK client and REST publish reach both resubscribed clients.
  const publisher = await pool.connected(server, {
    tokenProvider: restTokenProvider(server, { peerId: uniq("pub"), peerMetadata: { who: "publisher" } }),
  });
  await publisher.client.publish(channel, { phase: "after", via: "sdk" });
  const rest = await server.restPublish(channel, { data: { phase: "after", via: "rest" } });
  assert.equal(rest.status, 200, rest.text);
  assert.equal(rest.json.channel, channel);
  assert.ok(rest.json.delivered >= 2, `delivered ${rest.json.delivered}`);

  for (const c of [pkSub, jwtSub]) {
    const viaSdk = await c.rec.waitFor("message", (m) => m.data?.phase === "after" && m.data.via === "sdk");
    assert.equal(viaSdk.channel, channel);
    assert.equal(viaSdk.from, publisher.peerId);
    const viaRest = await c.rec.waitFor("message", (m) => m.data?.phase === "after" && m.data.via === "rest");
    assert.equal(viaRest.from, "server", "[ours] REST publish default from");
  }
  // The includeSenderMetadata option survived the replay.
  const m = jwtSub.rec.find("message", (x) => x.data?.via === "sdk").payload;
  assert.deepEqual(m.fromMetadata, { who: "publisher" });
  assert.equal("fromMetadata" in pkSub.rec.find("message", (x) => x.data?.via === "sdk").payload, false);
});
