// Webhooks against a real delivery: rms POSTs to a receiver this test starts (node:http), the
// official SDK makes things happen, and the JavaScript verifier copied from docs/webhooks.md
// checks every signature (docs/webhooks.md "Signature").
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CONFIG_YAML, DEFAULT_WAIT_MS, Pool, PK, RmsServer, restTokenProvider, uniq, withDeadline } from "./harness.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const SECRET = "whsec_interop_0123456789";

/** The ```js block under "### JavaScript (Node.js)" in docs/webhooks.md, as a module. */
async function verifierFromTheDocs() {
  const page = readFileSync(resolve(HERE, "../../docs/webhooks.md"), "utf8");
  const m = /### JavaScript \(Node\.js\)\s+```js\n([\s\S]*?)```/.exec(page);
  assert.ok(m, "docs/webhooks.md has a JavaScript verifier");
  const file = join(mkdtempSync(join(tmpdir(), "rms-verifier-")), "verify.mjs");
  writeFileSync(file, m[1]);
  return (await import(pathToFileURL(file).href)).verifyRmsSignature;
}

/** Records every POST with its raw body; answers 200. */
class Receiver {
  constructor() {
    this.requests = [];
    this.server = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        this.requests.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(200).end();
      });
    });
  }

  async start() {
    await new Promise((ok) => this.server.listen(0, "127.0.0.1", ok));
    return `http://127.0.0.1:${this.server.address().port}/hooks`;
  }

  events() {
    return this.requests.flatMap((r) => JSON.parse(r.raw.toString("utf8")).events);
  }

  async waitForEvent(pred, what) {
    const deadline = Date.now() + DEFAULT_WAIT_MS * 3;
    while (Date.now() < deadline) {
      const hit = this.events().find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no webhook event: ${what}; got ${JSON.stringify(this.events())}`);
  }

  close() {
    return new Promise((ok) => this.server.close(ok));
  }
}

const receiver = new Receiver();
const pool = new Pool();
let server;
let verify;

before(async () => {
  verify = await verifierFromTheDocs();
  const url = await receiver.start();
  const configYaml = `webhooks: {batchDelay: 10ms, flapGrace: 0}\n` + CONFIG_YAML + `    webhooks:
      - url: ${url}
        secret: ${SECRET}
        events: [peer.connected, peer.disconnected, channel.occupied, channel.vacated,
                 presence.joined, presence.left, message.published]
`;
  server = await RmsServer.start({ configYaml });
});

afterEach(async () => {
  await pool.closeAll();
});

after(async () => {
  await pool.closeAll();
  if (server) await server.stop();
  await receiver.close();
});

test("webhooks: every event of an SDK session arrives, signed, and the docs' verifier accepts each delivery", async () => {
  const channel = uniq("room");
  const alice = await pool.connected(server, {
    tokenProvider: restTokenProvider(server, { peerId: uniq("alice"), peerMetadata: { name: "Alice" } }),
  });
  await alice.client.subscribe(channel);
  await alice.client.publish(channel, { text: "hello" });
  await alice.client.close();

  const connected = await receiver.waitForEvent((e) => e.type === "peer.connected" && e.peerId === alice.peerId, "peer.connected");
  assert.deepEqual(connected.metadata, { name: "Alice" });
  await receiver.waitForEvent((e) => e.type === "channel.occupied" && e.channel === channel, "channel.occupied");
  const joined = await receiver.waitForEvent((e) => e.type === "presence.joined" && e.channel === channel, "presence.joined");
  assert.equal(joined.peerId, alice.peerId);
  const published = await receiver.waitForEvent((e) => e.type === "message.published" && e.channel === channel, "message.published");
  assert.deepEqual(published.data, { text: "hello" });
  assert.equal(published.from, alice.peerId);
  await receiver.waitForEvent((e) => e.type === "presence.left" && e.channel === channel, "presence.left");
  await receiver.waitForEvent((e) => e.type === "channel.vacated" && e.channel === channel, "channel.vacated");
  const gone = await receiver.waitForEvent((e) => e.type === "peer.disconnected" && e.peerId === alice.peerId, "peer.disconnected");
  assert.equal(gone.connectionId, connected.connectionId);
  assert.equal(gone.code, 1000);

  assert.ok(receiver.requests.length > 0);
  for (const r of receiver.requests) {
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(r.headers["x-rms-webhook-id"], JSON.parse(r.raw.toString("utf8")).id);
    assert.equal(verify(SECRET, r.raw, r.headers["x-rms-signature"]), true, "the docs' verifier accepts the delivery");
    assert.equal(verify("whsec_not_the_secret_000", r.raw, r.headers["x-rms-signature"]), false);
    const tampered = Buffer.from(r.raw);
    tampered[tampered.length - 2] ^= 1;
    assert.equal(verify(SECRET, tampered, r.headers["x-rms-signature"]), false);
  }
});

test("webhooks: a pk-key peer without metadata is reported without a metadata field", async () => {
  const bob = await pool.connected(server, { apiKey: PK });
  const connected = await receiver.waitForEvent((e) => e.type === "peer.connected" && e.peerId === bob.peerId, "bob's peer.connected");
  assert.equal("metadata" in connected, false);
  await withDeadline(bob.client.close(), 3_000, "close");
});
