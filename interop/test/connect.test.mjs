// Connecting with the official SDK: pk keys, JWTs from a tokenProvider, and
// the 4001/4002 rejections that surface as SignallingConnectError
// (docs/protocol.md sections 1, 4, 6; docs/sdk-behaviour.md section 6.1, 9).
import { test } from "node:test";
import assert from "node:assert/strict";
import { SignallingConnectError } from "@metered-ca/realtime";
import {
  PK,
  SK_ID,
  UUID_RE,
  decodeJwtPayload,
  nowSec,
  restTokenProvider,
  signJwt,
  uniq,
  useServer,
  withDeadline,
} from "./harness.mjs";

const ctx = useServer();

test("a pk key connects: connected event with a UUID peerId and expiresAt null", async () => {
  const { client, rec } = ctx.pool.sdk(ctx.server, { apiKey: PK });
  await withDeadline(client.connect(), 10_000, "connect()");
  assert.equal(client.state, "connected");
  const ev = await rec.waitFor("connected");
  assert.match(ev.peerId, UUID_RE);
  assert.equal(ev.expiresAt, null);
  assert.equal(ev.isReconnect, false);
  assert.equal(ev.maxMessageSize, 65536);
  assert.ok(Math.abs(ev.serverTime - Date.now() / 1000) < 60, `serverTime ${ev.serverTime} is Unix seconds near now`);
  assert.equal(ev.iceServers, undefined, "pk keys carry no welcome metadata");
});

test("two pk connections get different peerIds", async () => {
  const a = await ctx.pool.connected(ctx.server, { apiKey: PK });
  const b = await ctx.pool.connected(ctx.server, { apiKey: PK });
  assert.notEqual(a.peerId, b.peerId);
});

test("a JWT from tokenProvider connects: peerId is sub, expiresAt is exp", async () => {
  const sub = uniq("alice");
  const provider = restTokenProvider(ctx.server, { peerId: sub, expiresInSec: 600 });
  const { client, rec } = ctx.pool.sdk(ctx.server, { tokenProvider: provider });
  await withDeadline(client.connect(), 10_000, "connect()");
  const ev = await rec.waitFor("connected");
  assert.equal(provider.calls.length, 1);
  const minted = provider.calls[0];
  const claims = decodeJwtPayload(minted.token);
  assert.equal(claims.sub, sub);
  assert.equal(ev.peerId, sub);
  assert.equal(ev.expiresAt, claims.exp);
  assert.equal(ev.expiresAt, minted.expiresAt, "REST expiresAt and welcome expiresAt agree");
  assert.ok(Math.abs(ev.expiresAt - (nowSec() + 600)) <= 60, `exp ${ev.expiresAt} is about now + 600 s`);
});

test("welcome metadata from the JWT reaches the SDK (iceServers on connected)", async () => {
  const iceServers = [
    { urls: "stun:127.0.0.1:3478" },
    { urls: ["turn:127.0.0.1:3478?transport=udp", "turns:127.0.0.1:5349"], username: "u-1", credential: "c-1" },
  ];
  const provider = restTokenProvider(ctx.server, { peerId: uniq("ice"), metadata: { iceServers } });
  const { client, rec } = ctx.pool.sdk(ctx.server, { tokenProvider: provider });
  await withDeadline(client.connect(), 10_000, "connect()");
  const ev = await rec.waitFor("connected");
  assert.deepEqual(ev.iceServers, iceServers);
});

test("a hand-signed HS256 JWT (customer backend) connects with its sub", async () => {
  const sub = uniq("hand");
  const exp = nowSec() + 300;
  const token = signJwt({ sub, exp, channels: ["**"], permissions: ["subscribe", "publish"] });
  const { client, rec } = ctx.pool.sdk(ctx.server, { tokenProvider: async () => token });
  await withDeadline(client.connect(), 10_000, "connect()");
  const ev = await rec.waitFor("connected");
  assert.equal(ev.peerId, sub);
  assert.equal(ev.expiresAt, exp);
});

async function expectConnectError(opts, closeCode) {
  const { client, rec } = ctx.pool.sdk(ctx.server, { ...opts, reconnect: { initialDelayMs: 50, maxDelayMs: 100 } });
  let err;
  try {
    await withDeadline(client.connect(), 10_000, "connect() to reject");
  } catch (e) {
    err = e;
  }
  assert.ok(err, "connect() rejected");
  assert.ok(err instanceof SignallingConnectError, `SignallingConnectError, got ${err?.name}: ${err?.message}`);
  assert.equal(err.name, "SignallingConnectError");
  assert.equal(err.closeCode, closeCode);
  assert.equal(client.state, "closed");
  assert.equal(rec.find("connected"), null, "no welcome before the close");
  const disc = await rec.waitFor("disconnected");
  assert.equal(disc.code, closeCode);
  assert.equal(disc.willReconnect, false);
  return err;
}

test("unknown pk key: connect() rejects with SignallingConnectError closeCode 4001", async () => {
  await expectConnectError({ apiKey: "pk_live_does_not_exist" }, 4001);
});

test("JWT signed with the wrong secret: SignallingConnectError 4001", async () => {
  const token = signJwt({ sub: uniq("bad"), exp: nowSec() + 300 }, { secret: "sk_secret_wrong" });
  await expectConnectError({ tokenProvider: async () => token }, 4001);
});

test("JWT naming an unknown kid: SignallingConnectError 4001", async () => {
  const token = signJwt({ sub: uniq("bad"), exp: nowSec() + 300 }, { kid: "sk_id_unknown" });
  await expectConnectError({ tokenProvider: async () => token }, 4001);
});

test("JWT with alg none: SignallingConnectError 4001", async () => {
  const signed = signJwt({ sub: uniq("none"), exp: nowSec() + 300 }, { header: { alg: "none", kid: SK_ID } });
  const unsigned = signed.slice(0, signed.lastIndexOf(".") + 1);
  await expectConnectError({ tokenProvider: async () => unsigned }, 4001);
});

test("a malformed token: SignallingConnectError 4001", async () => {
  await expectConnectError({ tokenProvider: async () => "not-a-jwt" }, 4001);
});

test("an expired JWT: SignallingConnectError 4002", async () => {
  const token = signJwt({ sub: uniq("old"), exp: nowSec() - 3600 });
  await expectConnectError({ tokenProvider: async () => token }, 4002);
});
