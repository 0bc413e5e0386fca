// Two rms processes joined through a real redis-server (RMS_REDIS_URL), driven by the
// official SDK: cross-node publish, presence and direct, and a SIGKILLed node's peers
// leaving on the survivor within the node timeout (docs/clustering.md).
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, createConnection } from "node:net";
import { PK, Pool, RmsServer, restTokenProvider, uniq, withDeadline } from "./harness.mjs";

let redis;
let redisPort;
const nodes = [];
const pool = new Pool();

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function ping(port) {
  return new Promise((resolve) => {
    const c = createConnection({ port, host: "127.0.0.1" }, () => c.write("PING\r\n"));
    c.on("data", (d) => {
      resolve(d.toString().startsWith("+PONG"));
      c.destroy();
    });
    c.on("error", () => resolve(false));
  });
}

before(async () => {
  redisPort = await freePort();
  redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const deadline = Date.now() + 10_000;
  while (!(await ping(redisPort))) {
    if (Date.now() > deadline) throw new Error("redis-server did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
  const env = { RMS_REDIS_URL: `redis://127.0.0.1:${redisPort}` };
  nodes.push(await RmsServer.start({ env }), await RmsServer.start({ env }));
});

afterEach(async () => {
  await pool.closeAll();
});

after(async () => {
  await pool.closeAll();
  for (const n of nodes) await n.kill();
  redis?.kill("SIGKILL");
});

test("cluster: publish, presence and direct across two nodes through the official SDK", async () => {
  const [a, b] = nodes;
  const channel = uniq("room");
  const alice = await pool.connected(a, { tokenProvider: restTokenProvider(a, { peerId: uniq("alice"), peerMetadata: { n: "A" } }) });
  const bob = await pool.connected(b, { apiKey: PK });

  let mark = alice.rec.mark;
  await alice.client.subscribe(channel);
  await bob.client.subscribe(channel);
  const snap = await bob.rec.waitFor("presence", (p) => p.channel === channel, { what: "bob's snapshot" });
  assert.deepEqual(snap.joined, [{ peerId: alice.peerId, metadata: { n: "A" } }]);
  const joined = await alice.rec.waitFor("presence", (p) => p.channel === channel && p.joined.length === 1, {
    from: mark,
    what: "bob's joined delta on the other node",
  });
  assert.deepEqual(joined.joined, [{ peerId: bob.peerId }]);

  await bob.client.publish(channel, { hello: "from b" });
  const m = await alice.rec.waitFor("message", (x) => x.channel === channel, { what: "cross-node message" });
  assert.equal(m.from, bob.peerId);
  assert.deepEqual(m.data, { hello: "from b" });

  await alice.client.send(bob.peerId, { ping: 1 });
  const d = await bob.rec.waitFor("direct", (x) => x.from === alice.peerId, { what: "cross-node direct" });
  assert.deepEqual(d.data, { ping: 1 });
});

test("cluster: a SIGKILLed node's peer leaves on the surviving node within 15 s", async () => {
  const [a, b] = nodes;
  const channel = uniq("room");
  const watcher = await pool.connected(a, { apiKey: PK });
  await watcher.client.subscribe(channel);
  const victim = await pool.connected(b, { apiKey: PK });
  const mark = watcher.rec.mark;
  await victim.client.subscribe(channel);
  await watcher.rec.waitFor("presence", (p) => p.channel === channel && p.joined.some((j) => j.peerId === victim.peerId), {
    from: mark,
    what: "victim joined",
  });
  const t0 = Date.now();
  await b.kill();
  const left = await watcher.rec.waitFor(
    "presence",
    (p) => p.channel === channel && p.left.some((l) => l.peerId === victim.peerId),
    { from: mark, what: "victim left after SIGKILL", timeoutMs: 16_000 },
  );
  const ms = Date.now() - t0;
  assert.ok(left);
  assert.ok(ms <= 15_000, `left after ${ms} ms`);
  console.log(`SIGKILLed node's peer left after ${ms} ms`);
});
