// REST kick: DELETE /v1/peers/:peerId closes every connection of the peer with
// 4020, which the SDK treats as terminal (docs/protocol.md 4, 7; docs/sdk-behaviour.md 6.4).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PK, restTokenProvider, uniq, useServer } from "./harness.mjs";

const ctx = useServer();

test("REST kick ends the SDK client: disconnected {code 4020, willReconnect false}, state closed", async () => {
  const sub = uniq("kick-me");
  const provider = restTokenProvider(ctx.server, { peerId: sub });
  const victim = await ctx.pool.connected(ctx.server, { tokenProvider: provider, reconnect: { initialDelayMs: 50, maxDelayMs: 100 } });
  // A second connection of the same peer, raw, to see the close frame itself.
  const { token } = await ctx.server.mintToken({ peerId: sub });
  const raw = await ctx.pool.raw(`${ctx.server.wsBase}/v1?token=${encodeURIComponent(token)}`);
  await raw.next((f) => f.type === "welcome");
  const bystander = await ctx.pool.connected(ctx.server, { apiKey: PK });

  const res = await ctx.server.kick(sub);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { peerId: sub, closed: 2 });

  const disc = await victim.rec.waitFor("disconnected");
  assert.equal(disc.code, 4020);
  assert.equal(disc.willReconnect, false);
  await victim.rec.waitFor("state-change", (s) => s.to === "closed");
  assert.equal(victim.client.state, "closed");
  const closeInfo = await raw.waitClosed();
  assert.equal(closeInfo.code, 4020);
  assert.equal(provider.calls.length, 1, "no reconnect attempt after 4020");
  assert.equal(victim.rec.all("connected").length, 1);
  assert.equal(bystander.client.state, "connected", "other peers are untouched");
});

test("REST kick of a pk peer by its UUID; kicking an unknown peer is 200 with closed 0", async () => {
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const res = await ctx.server.kick(a.peerId);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { peerId: a.peerId, closed: 1 });
  const disc = await a.rec.waitFor("disconnected");
  assert.equal(disc.code, 4020);
  assert.equal(disc.willReconnect, false);

  const none = await ctx.server.kick(uniq("nobody"));
  assert.equal(none.status, 200, none.text);
  assert.equal(none.json.closed, 0);
});

test("REST kick needs the secret key pair", async () => {
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  for (const auth of [null, `Bearer ${PK}`, "Bearer sk_id_demo:wrong", "Bearer sk_id_demo"]) {
    const res = await ctx.server.rest("DELETE", `/v1/peers/${a.peerId}`, undefined, { auth });
    assert.equal(res.status, 401, `${auth} -> ${res.status} ${res.text}`);
    assert.equal(res.json?.error, "unauthorized");
  }
  assert.equal(a.client.state, "connected");
});
