// Publish/subscribe between two official SDK clients (docs/protocol.md 2.1, 2.2, 2.6)
// and includeSenderMetadata (docs/protocol.md 2.2 `message.fromMetadata`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PK, restTokenProvider, uniq, useServer } from "./harness.mjs";

const ctx = useServer();

const PAYLOADS = [
  {
    text: "héllo wörld ✓ 日本語 😀 \"quoted\" back\\slash\nnewline \u2028 \u0000",
    numbers: { int: 42, neg: -7, zero: 0, max: 9007199254740991, frac: 3.25, tiny: 1e-7, huge: 6.02e23 },
    nested: { a: [1, [2, [3, { deep: true }]], null, false, ""], b: { c: { d: { e: "end" } } } },
    emptyObj: {},
    emptyArr: [],
    zKeyFirst: 1,
    aKeySecond: 2,
  },
  "a bare string",
  12345.5,
  true,
  null,
  [1, "two", { three: 3 }],
];

test("subscribe/publish: the other subscriber receives data intact and in order; the publisher gets none of its own", async () => {
  const channel = uniq("chat");
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const b = await ctx.pool.connected(ctx.server, { apiKey: PK });
  await a.client.subscribe(channel);
  await b.client.subscribe(channel);

  for (const data of PAYLOADS) await a.client.publish(channel, data);

  const received = [];
  let from = 0;
  for (let i = 0; i < PAYLOADS.length; i++) {
    const hit = await b.rec.waitForEntry("message", (m) => m.channel === channel, { from, what: `message #${i} on ${channel}` });
    received.push(hit.payload);
    from = hit.index + 1;
  }
  for (let i = 0; i < PAYLOADS.length; i++) {
    assert.equal(received[i].channel, channel);
    assert.equal(received[i].from, a.peerId, "from is the publisher's server-stamped peerId");
    assert.deepEqual(received[i].data, PAYLOADS[i], `payload #${i} intact`);
    // docs/protocol.md 2.2 [ours]: key order preserved.
    assert.equal(JSON.stringify(received[i].data), JSON.stringify(PAYLOADS[i]), `payload #${i} key order kept`);
    assert.equal("fromMetadata" in received[i], false, "no fromMetadata without includeSenderMetadata");
  }

  // Barrier: B answers after it has seen everything; A receives B's message.
  // Any self-delivery of A's messages would have been queued to A before it.
  await b.client.publish(channel, { barrier: true });
  const barrier = await a.rec.waitFor("message", (m) => m.channel === channel && m.data?.barrier === true);
  assert.equal(barrier.from, b.peerId);
  const own = a.rec.all("message", (m) => m.from === a.peerId);
  assert.deepEqual(own, [], "the publisher does not receive its own messages");
  assert.equal(b.rec.all("message", (m) => m.from === b.peerId).length, 0);
});

test("a client not subscribed to the channel receives nothing from it", async () => {
  const channel = uniq("quiet");
  const other = uniq("other");
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const b = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const c = await ctx.pool.connected(ctx.server, { apiKey: PK });
  await b.client.subscribe(channel);
  await c.client.subscribe(other);
  await a.client.publish(channel, { n: 1 });
  await b.rec.waitFor("message", (m) => m.channel === channel);
  await a.client.publish(other, { n: 2 });
  await c.rec.waitFor("message", (m) => m.channel === other);
  assert.deepEqual(c.rec.all("message", (m) => m.channel === channel), []);
  assert.deepEqual(b.rec.all("message", (m) => m.channel === other), []);
});

test("unsubscribe stops delivery", async () => {
  const channel = uniq("unsub");
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const b = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const c = await ctx.pool.connected(ctx.server, { apiKey: PK });
  await b.client.subscribe(channel);
  await c.client.subscribe(channel);
  await b.client.unsubscribe(channel);
  await b.client.unsubscribe(channel); // idempotent: acked again
  await a.client.publish(channel, { after: "unsubscribe" });
  await c.rec.waitFor("message", (m) => m.channel === channel);
  // Barrier on B's own connection: a message on a channel B is still on.
  const still = uniq("still");
  await b.client.subscribe(still);
  await a.client.publish(still, { barrier: true });
  await b.rec.waitFor("message", (m) => m.channel === still);
  assert.deepEqual(b.rec.all("message", (m) => m.channel === channel), []);
});

test("includeSenderMetadata: true yields fromMetadata on messages; without it, none", async () => {
  const channel = uniq("meta");
  const peerMetadata = { name: "Pub Lisher", role: "host", avatar: { url: "https://example.invalid/a.png", size: [64, 64] } };
  const withMeta = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const without = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const pub = await ctx.pool.connected(ctx.server, {
    tokenProvider: restTokenProvider(ctx.server, { peerId: uniq("pub"), peerMetadata }),
  });
  const anon = await ctx.pool.connected(ctx.server, { apiKey: PK });
  await withMeta.client.subscribe(channel, { includeSenderMetadata: true });
  await without.client.subscribe(channel);

  await pub.client.publish(channel, { hello: 1 });
  const m1 = await withMeta.rec.waitFor("message", (m) => m.channel === channel && m.data?.hello === 1);
  const m2 = await without.rec.waitFor("message", (m) => m.channel === channel && m.data?.hello === 1);
  assert.equal(m1.from, pub.peerId);
  assert.deepEqual(m1.fromMetadata, peerMetadata);
  assert.equal(m2.from, pub.peerId);
  assert.equal("fromMetadata" in m2, false, "no fromMetadata for a subscriber that did not ask");

  // A sender without peerMetadata (pk key): no fromMetadata even when asked.
  await anon.client.publish(channel, { hello: 2 });
  const m3 = await withMeta.rec.waitFor("message", (m) => m.channel === channel && m.data?.hello === 2);
  assert.equal(m3.from, anon.peerId);
  assert.equal("fromMetadata" in m3, false);
});
