// TURN through a real coturn (docs/turn.md): rms is configured with coturn's shared secret and
// puts per-connection credentials into every welcome. Chromium's official JS MeteredPeer receives
// them, builds its RTCPeerConnection with them (relay-only, through the SDK's
// rtcPeerConnectionFactory option) and opens a data channel to a relay-only Java MeteredPeer
// (`rms peer echo --relay-only`); both ends report a relay candidate pair.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { RmsServer, CONFIG_YAML, PK, uniq } from "../test/harness.mjs";
import { launchChromium, collectPageErrors } from "./chromium.mjs";
import { JavaEchoPeer } from "./echo-peer.mjs";
import { Coturn, TURN_HOST } from "./coturn.mjs";

const WAIT_MS = 20_000;
const SECRET = "coturn-shared-secret-for-browser-tests";
const TTL_S = 600;
let coturn;
let server;
let browser;
const pageErrors = [];

before(async () => {
  coturn = await Coturn.start(SECRET);
  server = await RmsServer.start({
    configYaml: `${CONFIG_YAML}iceServers:
  - urls: ["${coturn.turnUrl}"]
    secret: ${SECRET}
    ttl: ${TTL_S}s
`,
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await coturn?.stop();
  if (pageErrors.length) console.log(pageErrors.join("\n"));
});

function until(page, fn, arg) {
  return page.waitForFunction(fn, arg, { timeout: WAIT_MS });
}

test("Chromium's JS MeteredPeer gets coturn credentials from the welcome and reaches a Java peer through the relay", async () => {
  const channel = uniq("turn");
  const echo = await JavaEchoPeer.start({ url: server.wsBase, key: PK, channel, args: ["--relay-only"] });
  try {
    const page = await browser.newPage();
    collectPageErrors(page, "chromium", pageErrors);
    await page.goto(`${server.httpBase}/healthz`);
    const startedAt = Math.floor(Date.now() / 1000);
    const peerId = await page.evaluate(
      async ({ url, key, channel }) => {
        const { MeteredPeer } = await import("/demo/vendor/metered-realtime/index.mjs");
        const t = (window.t = { configs: [], remotes: {}, dcOpen: false, dcMessages: [] });
        // The SDK sets only iceServers; its rtcPeerConnectionFactory option is how an app adds
        // iceTransportPolicy. Every config the SDK builds is recorded.
        const peer = new MeteredPeer({
          apiKey: key,
          url,
          rtcPeerConnectionFactory: (config) => {
            t.configs.push(JSON.parse(JSON.stringify(config)));
            return new RTCPeerConnection({ ...config, iceTransportPolicy: "relay" });
          },
        });
        t.peer = peer;
        peer.on("peer-joined", ({ peer: remote }) => (t.remotes[remote.id] = remote));
        await peer.join(channel);
        return peer.peerId;
      },
      { url: server.wsBase, key: PK, channel },
    );
    await until(page, (id) => id in window.t.remotes, echo.peerId);

    // The RTCPeerConnection was built with exactly the TURN entry rms minted for this peer:
    // username "<expiry>:<peerId>", credential base64(HMAC-SHA1(secret, username)).
    const configs = await page.evaluate(() => window.t.configs);
    assert.equal(configs.length, 1);
    const [entry] = configs[0].iceServers;
    assert.equal(configs[0].iceServers.length, 1);
    assert.deepEqual(entry.urls, [coturn.turnUrl]);
    const [expiry, ...rest] = entry.username.split(":");
    assert.equal(rest.join(":"), peerId);
    assert.ok(Number(expiry) >= startedAt + TTL_S - 1 && Number(expiry) <= Math.ceil(Date.now() / 1000) + TTL_S + 1,
      `expiry ${expiry} about ${TTL_S} s from now`);
    assert.equal(entry.credential, createHmac("sha1", SECRET).update(entry.username).digest("base64"));

    // A data channel over the relay: the Java peer echoes what the browser sends.
    await page.evaluate((id) => {
      const t = window.t;
      const dc = t.remotes[id].pc.createDataChannel("relay-probe");
      dc.onopen = () => {
        t.dcOpen = true;
        dc.send("ping via coturn");
      };
      dc.onmessage = (e) => t.dcMessages.push(e.data);
    }, echo.peerId);
    await until(page, () => window.t.dcMessages.includes("ping via coturn"));

    // Chromium's selected candidate pair is relay on both ends, through coturn's address.
    const pair = await page.evaluate(async (id) => {
      const stats = await window.t.remotes[id].pc.getStats();
      const byId = new Map();
      stats.forEach((s) => byId.set(s.id, s));
      const transport = [...byId.values()].find((s) => s.type === "transport" && s.selectedCandidatePairId);
      const p = transport && byId.get(transport.selectedCandidatePairId);
      const local = p && byId.get(p.localCandidateId);
      const remote = p && byId.get(p.remoteCandidateId);
      return p && { local: local.candidateType, localAddress: local.address, remote: remote.candidateType };
    }, echo.peerId);
    assert.deepEqual(pair, { local: "relay", localAddress: TURN_HOST, remote: "relay" });

    // The Java side, relay-only too, reports the same kind of path.
    const connected = await echo.waitForEvent("connected", (e) => e.peer === peerId, WAIT_MS);
    assert.equal(connected.localCandidateType, "relay");
    assert.equal(connected.remoteCandidateType, "relay");
    assert.equal(connected.relayed, true);

    // coturn authenticated both peers with the usernames rms minted for them.
    await coturn.waitForLog(new RegExp(`user <\\d+:${peerId}>: incoming packet ALLOCATE processed, success`), WAIT_MS);
    await coturn.waitForLog(new RegExp(`user <\\d+:${echo.peerId}>: incoming packet ALLOCATE processed, success`), WAIT_MS);

    await page.evaluate(() => window.t.peer.close("done"));
    await page.close();
  } finally {
    assert.equal(await echo.stop(), 0, "rms peer echo exits 0 on SIGTERM");
  }
  assert.deepEqual(pageErrors.filter((e) => e.includes("uncaught")), []);
});
