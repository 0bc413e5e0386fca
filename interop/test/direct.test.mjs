// Direct messages through the official SDK: send() -> `direct` event
// (docs/protocol.md 2.1, 2.2, 2.5).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PK, restTokenProvider, uniq, useServer } from "./harness.mjs";

const ctx = useServer();

test("send/direct both ways; fromMetadata present exactly when the sender has peerMetadata", async () => {
  const peerMetadata = { name: "Alice", role: "agent", caps: { video: false } };
  const alice = await ctx.pool.connected(ctx.server, {
    tokenProvider: restTokenProvider(ctx.server, { peerId: uniq("alice"), peerMetadata }),
  });
  const bob = await ctx.pool.connected(ctx.server, { apiKey: PK });

  const toBob = { type: "challenge", nonce: "abc", n: [1, 2.5, -3], s: "ünïcødé 😀" };
  await alice.client.send(bob.peerId, toBob);
  const d1 = await bob.rec.waitFor("direct", (d) => d.from === alice.peerId, { what: "alice's direct" });
  assert.deepEqual(d1, { from: alice.peerId, fromMetadata: peerMetadata, data: toBob });

  const toAlice = { type: "response", ok: true };
  await bob.client.send(alice.peerId, toAlice);
  const d2 = await alice.rec.waitFor("direct", (d) => d.from === bob.peerId, { what: "bob's direct" });
  assert.equal(d2.from, bob.peerId);
  assert.deepEqual(d2.data, toAlice);
  assert.equal("fromMetadata" in d2, false, "a pk sender has no peerMetadata");
});

test("send reaches every connection of the target peerId", async () => {
  const sub = uniq("multi");
  const provider = restTokenProvider(ctx.server, { peerId: sub });
  const tab1 = await ctx.pool.connected(ctx.server, { tokenProvider: provider });
  const tab2 = await ctx.pool.connected(ctx.server, { tokenProvider: provider });
  assert.equal(tab1.peerId, sub);
  assert.equal(tab2.peerId, sub);
  const sender = await ctx.pool.connected(ctx.server, { apiKey: PK });
  await sender.client.send(sub, { to: "both tabs" });
  for (const tab of [tab1, tab2]) {
    const d = await tab.rec.waitFor("direct", (x) => x.from === sender.peerId);
    assert.deepEqual(d.data, { to: "both tabs" });
  }
});

test("direct messages from one sender arrive in order", async () => {
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const b = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const N = 50;
  await Promise.all(Array.from({ length: N }, (_, i) => a.client.send(b.peerId, { i })));
  await b.rec.waitFor("direct", (d) => d.data?.i === N - 1);
  assert.deepEqual(
    b.rec.all("direct", (d) => d.from === a.peerId).map((d) => d.data.i),
    Array.from({ length: N }, (_, i) => i),
  );
});

test("sending to yourself is allowed [ours]", async () => {
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  await a.client.send(a.peerId, { self: true });
  const d = await a.rec.waitFor("direct", (x) => x.from === a.peerId);
  assert.deepEqual(d.data, { self: true });
});
