// Server error codes as the official SDK surfaces them: a correlated `error`
// frame rejects the call's promise with err.name = code (docs/sdk-behaviour.md 6.1,
// docs/protocol.md 3). Where SignallingClient 1.2.0 validates a case itself and
// never sends the frame, the code is checked with a raw `ws` client instead.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PK, PK_NARROW, rejectsWithName, restTokenProvider, uniq, useServer } from "./harness.mjs";

const ctx = useServer();

async function stillUsable(c) {
  // docs/protocol.md 3: the connection stays open for every error code.
  assert.equal(c.client.state, "connected");
  const ch = uniq("alive");
  await c.client.subscribe(ch);
  await c.client.publish(ch, { alive: true });
  assert.equal(c.rec.find("disconnected"), null, "no disconnect after error frames");
}

test("channel_not_authorized: subscribe/publish outside the key's patterns", async () => {
  const narrow = await ctx.pool.connected(ctx.server, { apiKey: PK_NARROW });
  await narrow.client.subscribe("room-1"); // inside room-*: allowed
  await rejectsWithName(narrow.client.subscribe("lobby"), "channel_not_authorized");
  await rejectsWithName(narrow.client.subscribe("room-1/sub"), "channel_not_authorized"); // * stops at '/'
  await rejectsWithName(narrow.client.publish("lobby", { x: 1 }), "channel_not_authorized");
  // Same via a JWT whose channels claim is narrower than its secret key.
  const jwt = await ctx.pool.connected(ctx.server, {
    tokenProvider: restTokenProvider(ctx.server, { peerId: uniq("scoped"), channels: ["tasks/*"] }),
  });
  await jwt.client.subscribe("tasks/w1");
  await rejectsWithName(jwt.client.subscribe("tasks/w1/deep"), "channel_not_authorized");
  await rejectsWithName(jwt.client.subscribe("other"), "channel_not_authorized");
  assert.equal(narrow.client.state, "connected");
  assert.equal(jwt.client.state, "connected");
});

test("action_not_permitted: send without the send action, publish without publish", async () => {
  const target = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const narrow = await ctx.pool.connected(ctx.server, { apiKey: PK_NARROW }); // actions: subscribe, publish
  await rejectsWithName(narrow.client.send(target.peerId, { hi: 1 }), "action_not_permitted");
  const subOnly = await ctx.pool.connected(ctx.server, {
    tokenProvider: restTokenProvider(ctx.server, { peerId: uniq("ro"), permissions: ["subscribe"] }),
  });
  const ch = uniq("ro-chan");
  await subOnly.client.subscribe(ch);
  await rejectsWithName(subOnly.client.publish(ch, { nope: true }), "action_not_permitted");
  await rejectsWithName(subOnly.client.send(target.peerId, { nope: true }), "action_not_permitted");
  const pubOnly = await ctx.pool.connected(ctx.server, {
    tokenProvider: restTokenProvider(ctx.server, { peerId: uniq("wo"), permissions: ["publish"] }),
  });
  await rejectsWithName(pubOnly.client.subscribe(ch), "action_not_permitted");
  assert.equal(narrow.client.state, "connected");
  assert.equal(subOnly.client.state, "connected");
  assert.deepEqual(target.rec.all("direct"), [], "nothing was delivered");
});

test("peer_not_found: send to a peerId that is not online", async () => {
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  await rejectsWithName(a.client.send(uniq("nobody-here"), { x: 1 }), "peer_not_found");
  // A peer that was online and left. Its presence `left` (sent when the server
  // has dropped the connection) orders the send after the deregistration.
  const ch = uniq("leaving");
  const gone = await ctx.pool.connected(ctx.server, { apiKey: PK });
  await a.client.subscribe(ch);
  await gone.client.subscribe(ch);
  await a.rec.waitFor("presence", (p) => p.channel === ch && p.joined.some((j) => j.peerId === gone.peerId));
  await gone.client.close();
  await a.rec.waitFor("presence", (p) => p.channel === ch && p.left.some((l) => l.peerId === gone.peerId));
  await rejectsWithName(a.client.send(gone.peerId, { x: 1 }), "peer_not_found");
  await stillUsable(a);
});

test("invalid_channel: names the SDK lets through but the server must reject", async () => {
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  // The SDK caps channels at 256 UTF-16 code units; the protocol at 256 UTF-8 bytes.
  const tooManyBytes = "é".repeat(129); // 129 chars, 258 bytes
  await rejectsWithName(a.client.subscribe(tooManyBytes), "invalid_channel");
  await rejectsWithName(a.client.publish(tooManyBytes, { x: 1 }), "invalid_channel");
  // Exactly 256 bytes is fine.
  await a.client.subscribe("é".repeat(128));
  // docs/protocol.md 2.4 [ours]: publishing to a name with an unescaped '*' is invalid_channel.
  await rejectsWithName(a.client.publish(`${uniq("glob")}/*`, { x: 1 }), "invalid_channel");
  await stillUsable(a);
});

test("invalid_channel: empty and control-character names (SDK rejects them client-side, so raw ws)", async () => {
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  // What the SDK does itself: TypeError, nothing sent.
  await assert.rejects(a.client.subscribe(""), TypeError);
  await assert.rejects(a.client.subscribe("bell\u0007"), TypeError);

  const raw = await ctx.pool.raw(`${ctx.server.wsBase}/v1?key=${PK}`);
  await raw.next((f) => f.type === "welcome");
  for (const frame of [
    { type: "subscribe", channel: "" },
    { type: "subscribe" },
    { type: "subscribe", channel: "bell\u0007" },
    { type: "subscribe", channel: "del\u007f" },
    { type: "subscribe", channel: "c1\u0085" },
    { type: "subscribe", channel: 42 },
    { type: "subscribe", channel: "x".repeat(257) },
    { type: "publish", channel: "", data: 1 },
    { type: "unsubscribe", channel: "" },
  ]) {
    const res = await raw.request(frame);
    assert.equal(res.type, "error", `${JSON.stringify(frame)} -> ${JSON.stringify(res)}`);
    assert.equal(res.code, "invalid_channel", JSON.stringify(frame));
  }
  assert.equal(raw.closeInfo, null, "connection stays open");
});

test("channel_reserved: _metered/, _internal/, _system/ prefixes, case-insensitive", async () => {
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  // SignallingClient (unlike MeteredPeer) does not check reserved prefixes itself.
  await rejectsWithName(a.client.subscribe("_metered/x"), "channel_reserved");
  await rejectsWithName(a.client.subscribe("_internal/x"), "channel_reserved");
  await rejectsWithName(a.client.subscribe("_SYSTEM/x"), "channel_reserved");
  await rejectsWithName(a.client.publish("_Metered/y", { x: 1 }), "channel_reserved");
  // Not reserved: no slash right after the prefix word.
  await a.client.subscribe(`_metered-${uniq("ok")}`);
  await stillUsable(a);
});

test("channel_limit_exceeded: the 101st subscription on one connection", async () => {
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const base = uniq("many");
  for (let i = 0; i < 100; i++) await a.client.subscribe(`${base}-${i}`);
  await rejectsWithName(a.client.subscribe(`${base}-100`), "channel_limit_exceeded");
  await a.client.subscribe(`${base}-0`); // re-subscribing an existing one is fine
  await a.client.unsubscribe(`${base}-1`);
  await a.client.subscribe(`${base}-100`);
  assert.equal(a.client.state, "connected");
});
