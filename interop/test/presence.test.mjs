// Presence through the official SDK. SignallingClient 1.2.0 emits the raw
// `presence` frames as `presence` events: {channel, joined:[{peerId, metadata?}],
// left:[{peerId, metadata?}]} (docs/protocol.md 2.3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PK, restTokenProvider, uniq, useServer } from "./harness.mjs";

const ctx = useServer();

const byId = (a, b) => (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0);

function jwtClient(name, peerMetadata) {
  return ctx.pool.connected(ctx.server, {
    tokenProvider: restTokenProvider(ctx.server, { peerId: uniq(name), peerMetadata }),
  });
}

test("presence: snapshot after subscribe, joined deltas with peerMetadata, left on close and unsubscribe", async () => {
  const channel = uniq("room");
  const alice = await jwtClient("alice", { name: "Alice", avatar: "a.png" });
  const bob = await jwtClient("bob", { name: "Bob", tags: ["x", "y"] });
  const carol = await ctx.pool.connected(ctx.server, { apiKey: PK }); // pk: no metadata

  // Alice alone: the snapshot is sent even when empty.
  let mark = alice.rec.mark;
  await alice.client.subscribe(channel);
  const aliceSnap = await alice.rec.waitFor("presence", (p) => p.channel === channel, { from: mark, what: "alice's snapshot" });
  assert.deepEqual(aliceSnap, { channel, joined: [], left: [] });

  // Bob joins: his snapshot lists Alice with her metadata; Alice sees Bob join.
  mark = alice.rec.mark;
  await bob.client.subscribe(channel);
  const bobSnap = await bob.rec.waitFor("presence", (p) => p.channel === channel, { what: "bob's snapshot" });
  assert.deepEqual(bobSnap, { channel, joined: [{ peerId: alice.peerId, metadata: { name: "Alice", avatar: "a.png" } }], left: [] });
  const bobJoined = await alice.rec.waitFor("presence", (p) => p.channel === channel, { from: mark, what: "bob's joined delta" });
  assert.deepEqual(bobJoined, { channel, joined: [{ peerId: bob.peerId, metadata: { name: "Bob", tags: ["x", "y"] } }], left: [] });

  // Carol (pk key) joins: snapshot has both, her own delta carries no metadata.
  const aliceMark = alice.rec.mark;
  const bobMark = bob.rec.mark;
  await carol.client.subscribe(channel);
  const carolSnap = await carol.rec.waitFor("presence", (p) => p.channel === channel, { what: "carol's snapshot" });
  assert.deepEqual(carolSnap.left, []);
  assert.deepEqual(
    [...carolSnap.joined].sort(byId),
    [
      { peerId: alice.peerId, metadata: { name: "Alice", avatar: "a.png" } },
      { peerId: bob.peerId, metadata: { name: "Bob", tags: ["x", "y"] } },
    ].sort(byId),
  );
  for (const [who, from] of [[alice, aliceMark], [bob, bobMark]]) {
    const d = await who.rec.waitFor("presence", (p) => p.channel === channel, { from, what: "carol's joined delta" });
    assert.deepEqual(d, { channel, joined: [{ peerId: carol.peerId }], left: [] });
  }

  // Bob's connection closes: the others get a left delta.
  const marks = [alice.rec.mark, carol.rec.mark];
  await bob.client.close();
  for (const [who, from] of [[alice, marks[0]], [carol, marks[1]]]) {
    const d = await who.rec.waitFor("presence", (p) => p.channel === channel, { from, what: "bob's left delta" });
    assert.equal(d.channel, channel);
    assert.deepEqual(d.joined, []);
    assert.deepEqual(d.left.map((l) => l.peerId), [bob.peerId]);
  }

  // Carol unsubscribes: Alice gets a left delta.
  const m2 = alice.rec.mark;
  await carol.client.unsubscribe(channel);
  const d = await alice.rec.waitFor("presence", (p) => p.channel === channel, { from: m2, what: "carol's left delta" });
  assert.deepEqual(d.joined, []);
  assert.deepEqual(d.left.map((l) => l.peerId), [carol.peerId]);
});

test("presence: a channel's presence is not sent to subscribers of other channels", async () => {
  const channel = uniq("room");
  const elsewhere = uniq("elsewhere");
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const b = await ctx.pool.connected(ctx.server, { apiKey: PK });
  await a.client.subscribe(elsewhere);
  await a.rec.waitFor("presence", (p) => p.channel === elsewhere);
  await b.client.subscribe(channel);
  await b.rec.waitFor("presence", (p) => p.channel === channel);
  // Barrier: B joins A's channel; A sees that delta, and nothing for `channel`.
  await b.client.subscribe(elsewhere);
  await a.rec.waitFor("presence", (p) => p.channel === elsewhere && p.joined.some((j) => j.peerId === b.peerId));
  assert.deepEqual(a.rec.all("presence", (p) => p.channel === channel), []);
});

test("presence: the REST roster lists current members with their metadata", async () => {
  const channel = uniq("roster");
  const alice = await jwtClient("alice", { name: "Alice" });
  const anon = await ctx.pool.connected(ctx.server, { apiKey: PK });
  await alice.client.subscribe(channel);
  await anon.client.subscribe(channel);
  await alice.rec.waitFor("presence", (p) => p.channel === channel && p.joined.some((j) => j.peerId === anon.peerId));
  const res = await ctx.server.rest("GET", `/v1/channels/${encodeURIComponent(channel)}/peers`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.channel, channel);
  assert.deepEqual(
    [...res.json.peers].sort(byId),
    [{ peerId: alice.peerId, metadata: { name: "Alice" } }, { peerId: anon.peerId }].sort(byId),
  );
});

// Presence deltas are coalesced per channel for a short window (docs/protocol.md 2.3): peers
// that join or leave together arrive as one `presence` event with several entries. Applied in
// order — every `joined`, then every `left`, as MeteredPeer does — the events rebuild exactly
// the channel's roster.
test("presence: joins and leaves inside one window arrive as batched events that rebuild the exact roster", async () => {
  const channel = uniq("crowd");
  const watcher = await ctx.pool.connected(ctx.server, { apiKey: PK });
  let cursor = watcher.rec.mark;
  await watcher.client.subscribe(channel);
  const snap = await watcher.rec.waitForEntry("presence", (p) => p.channel === channel, { from: cursor, what: "snapshot" });
  cursor = snap.index + 1;
  const roster = new Set(snap.payload.joined.map((j) => j.peerId));
  let largest = 0;

  async function rosterBecomes(expected, what) {
    const want = [...expected].sort().join(",");
    while ([...roster].sort().join(",") !== want) {
      const e = await watcher.rec.waitForEntry("presence", (p) => p.channel === channel, { from: cursor, what });
      cursor = e.index + 1;
      const joined = e.payload.joined.map((j) => j.peerId);
      const left = e.payload.left.map((l) => l.peerId);
      assert.ok(joined.every((p) => !left.includes(p)), `a peer in both arrays: ${JSON.stringify(e.payload)}`);
      for (const p of joined) {
        assert.ok(!roster.has(p), `${p} joined twice`);
        roster.add(p);
      }
      for (const p of left) {
        assert.ok(roster.has(p), `${p} left unseen`);
        roster.delete(p);
      }
      largest = Math.max(largest, joined.length + left.length);
    }
  }

  const joiners = await Promise.all(Array.from({ length: 10 }, () => ctx.pool.connected(ctx.server, { apiKey: PK })));
  await Promise.all(joiners.map((j) => j.client.subscribe(channel)));
  await rosterBecomes(new Set(joiners.map((j) => j.peerId)), "all ten joined");

  const leaving = joiners.slice(0, 5);
  await Promise.all(leaving.map((j) => j.client.unsubscribe(channel)));
  await rosterBecomes(new Set(joiners.slice(5).map((j) => j.peerId)), "five left");

  assert.ok(largest > 1, `the largest presence event carried ${largest} entries`);
});
