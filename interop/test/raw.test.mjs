// Raw `ws` checks for what the SDK hides: the exact first frame, ping/pong,
// frame ordering and the error codes the SDK never lets a caller provoke
// (docs/protocol.md 1, 2, 3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PK, UUID_RE, decodeJwtPayload, nowSec, uniq, useServer } from "./harness.mjs";

const ctx = useServer();

const keyUrl = () => `${ctx.server.wsBase}/v1?key=${PK}`;

test("the first frame is welcome {peerId, serverTime, expiresAt null, maxMessageSize} for a pk key", async () => {
  const raw = await ctx.pool.raw(keyUrl());
  const welcome = await raw.next();
  assert.equal(raw.frames[0].isBinary, false, "text frame");
  assert.equal(welcome.type, "welcome", `first frame: ${raw.frames[0].raw}`);
  assert.equal(typeof welcome.peerId, "string");
  assert.match(welcome.peerId, UUID_RE);
  assert.equal(typeof welcome.serverTime, "number");
  assert.ok(Math.abs(welcome.serverTime - Date.now() / 1000) < 60, `serverTime ${welcome.serverTime} in Unix seconds`);
  assert.ok("expiresAt" in welcome, "expiresAt is present");
  assert.equal(welcome.expiresAt, null);
  assert.equal(welcome.maxMessageSize, 65536);
  assert.equal("metadata" in welcome, false, "no metadata for pk keys");
});

test("the first frame is welcome with expiresAt = exp and metadata verbatim for a JWT", async () => {
  const sub = uniq("raw");
  const metadata = { iceServers: [{ urls: "turn:127.0.0.1:3478", username: "u", credential: "c" }], plan: { tier: "x" } };
  const { token } = await ctx.server.mintToken({ peerId: sub, expiresInSec: 120, metadata });
  const raw = await ctx.pool.raw(`${ctx.server.wsBase}/v1?token=${encodeURIComponent(token)}`);
  const welcome = await raw.next();
  assert.equal(welcome.type, "welcome");
  assert.equal(welcome.peerId, sub);
  assert.equal(welcome.expiresAt, decodeJwtPayload(token).exp);
  assert.ok(Math.abs(welcome.expiresAt - (nowSec() + 120)) <= 60);
  assert.deepEqual(welcome.metadata, metadata);
  assert.equal(welcome.maxMessageSize, 65536);
});

test('{"type":"ping"} is answered with {"type":"pong"}', async () => {
  const raw = await ctx.pool.raw(keyUrl());
  await raw.next((f) => f.type === "welcome");
  for (let i = 0; i < 3; i++) {
    const from = raw.mark;
    raw.send({ type: "ping" });
    const pong = await raw.next(() => true, { from, what: "pong" });
    assert.deepEqual(pong, { type: "pong" });
  }
});

test("subscribe: ack first, then exactly one presence snapshot (even when empty)", async () => {
  const raw = await ctx.pool.raw(keyUrl());
  await raw.next((f) => f.type === "welcome");
  const channel = uniq("order");
  const from = raw.mark;
  raw.send({ type: "subscribe", channel, requestId: "sub-1" });
  await raw.next((f) => f.type === "presence", { from, what: "presence snapshot" });
  // Barrier: a pong after the snapshot proves nothing else for the subscribe is pending.
  raw.send({ type: "ping" });
  await raw.next((f) => f.type === "pong", { from });
  const got = raw.frames.slice(from).map((f) => f.frame);
  assert.deepEqual(got, [{ type: "ack", requestId: "sub-1" }, { type: "presence", channel, joined: [], left: [] }, { type: "pong" }]);
});

test("a subscriber without includeSenderMetadata gets message frames with no fromMetadata key at all", async () => {
  const channel = uniq("plain");
  const raw = await ctx.pool.raw(keyUrl());
  await raw.next((f) => f.type === "welcome");
  assert.equal((await raw.request({ type: "subscribe", channel })).type, "ack");
  const { token } = await ctx.server.mintToken({ peerId: uniq("pub"), peerMetadata: { name: "P" } });
  const pub = await ctx.pool.raw(`${ctx.server.wsBase}/v1?token=${encodeURIComponent(token)}`);
  const pw = await pub.next((f) => f.type === "welcome");
  assert.equal((await pub.request({ type: "publish", channel, data: { v: 1 } })).type, "ack");
  const msg = await raw.next((f) => f.type === "message");
  assert.deepEqual(msg, { type: "message", channel, from: pw.peerId, data: { v: 1 } });
});

test("protocol errors keep the connection open and are correlated by requestId", async () => {
  const raw = await ctx.pool.raw(keyUrl());
  const welcome = await raw.next((f) => f.type === "welcome");
  const cases = [
    [{ type: "bogus" }, "unknown_type"],
    [{ type: "publish", channel: uniq("c") }, "missing_data"],
    [{ type: "send", to: welcome.peerId }, "missing_data"],
    [{ type: "send", data: 1 }, "invalid_peer_id"],
    [{ type: "send", to: "", data: 1 }, "invalid_peer_id"],
    [{ type: "send", to: "x".repeat(129), data: 1 }, "invalid_peer_id"],
    [{ type: "send", to: "tab\tinside", data: 1 }, "invalid_peer_id"],
  ];
  for (const [frame, code] of cases) {
    const res = await raw.request(frame);
    assert.equal(res.type, "error", `${JSON.stringify(frame)} -> ${JSON.stringify(res)}`);
    assert.equal(res.code, code, JSON.stringify(frame));
  }
  // Uncorrelated malformed_message for what cannot carry a requestId.
  for (const text of ["{not json", "[1,2]", '"str"', "{}", '{"type":7}']) {
    const from = raw.mark;
    raw.send(text);
    const res = await raw.next(() => true, { from, what: `reply to ${text}` });
    assert.equal(res.type, "error", `${text} -> ${JSON.stringify(res)}`);
    assert.equal(res.code, "malformed_message", text);
  }
  // [ours] An invalid requestId is malformed_message, uncorrelated.
  for (const requestId of ["", "r".repeat(129), 5]) {
    const from = raw.mark;
    raw.send({ type: "subscribe", channel: uniq("c"), requestId });
    const res = await raw.next(() => true, { from, what: `reply to requestId ${JSON.stringify(requestId)}` });
    assert.equal(res.type, "error");
    assert.equal(res.code, "malformed_message");
    assert.equal("requestId" in res, false);
  }
  const from = raw.mark;
  raw.send({ type: "ping" });
  assert.deepEqual(await raw.next(() => true, { from }), { type: "pong" });
  assert.equal(raw.closeInfo, null);
});

test("commands without requestId succeed silently", async () => {
  const channel = uniq("silent");
  const raw = await ctx.pool.raw(keyUrl());
  await raw.next((f) => f.type === "welcome");
  const from = raw.mark;
  raw.send({ type: "subscribe", channel });
  raw.send({ type: "publish", channel, data: 1 });
  raw.send({ type: "unsubscribe", channel });
  raw.send({ type: "ping" });
  await raw.next((f) => f.type === "pong", { from });
  await raw.next((f) => f.type === "presence", { from });
  // Barrier: one more round trip, so a stray ack would have arrived by now.
  const from2 = raw.mark;
  raw.send({ type: "ping" });
  await raw.next((f) => f.type === "pong", { from: from2 });
  const got = raw.frames.slice(from).map((f) => f.frame);
  assert.deepEqual(got.pop(), { type: "pong" }, "the barrier pong is last");
  // Only the presence snapshot (a consequence, not an answer) and the pong.
  const byType = (a, b) => a.type.localeCompare(b.type);
  assert.deepEqual(got.sort(byType), [{ type: "pong" }, { type: "presence", channel, joined: [], left: [] }]);
});

test("auth failures complete the upgrade and close with 4001 before any frame", async () => {
  const urls = [
    `${ctx.server.wsBase}/v1?key=pk_live_nope`,
    `${ctx.server.wsBase}/v1`, // [ours] neither credential
    `${ctx.server.wsBase}/v1?key=${PK}&token=abc`, // [ours] both
    `${ctx.server.wsBase}/v1?token=a.b.c`,
  ];
  for (const url of urls) {
    const raw = await ctx.pool.raw(url);
    const info = await raw.waitClosed();
    assert.equal(info.code, 4001, url);
    assert.deepEqual(raw.frames, [], `no frames before the close (${url})`);
  }
});

test("a peer is reachable by send as soon as it has received its welcome", async () => {
  // The SDK resolves connect() on the welcome, and apps hand out the peerId
  // right then; a send to it must not fail with peer_not_found (docs/protocol.md 2.5:
  // peer_not_found only when the peer is not online). Repeated because the
  // window, if there is one, is short.
  const sender = await ctx.pool.raw(keyUrl());
  await sender.next((f) => f.type === "welcome");
  const failures = [];
  const N = 100; // stays inside the sender's 200-frame burst
  for (let i = 0; i < N; i++) {
    const target = await ctx.pool.raw(keyUrl());
    const welcome = await target.next((f) => f.type === "welcome");
    const res = await sender.request({ type: "send", to: welcome.peerId, data: i });
    if (res.type !== "ack") failures.push(`#${i}: ${JSON.stringify(res)}`);
    target.terminate();
  }
  assert.deepEqual(failures, [], `${failures.length}/${N} sends right after the target's welcome failed`);
});
