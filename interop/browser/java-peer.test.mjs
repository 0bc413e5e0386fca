// Headless Chromium runs the official JS MeteredPeer against rms, in one channel with a Java
// MeteredPeer (`rms peer echo --events`, sdk-webrtc on webrtc-java): signalling data both ways,
// a data channel both ways, and a canvas video track whose metadata and stream id reach Java.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { RmsServer, PK, uniq } from "../test/harness.mjs";
import { launchChromium, collectPageErrors } from "./chromium.mjs";
import { JavaEchoPeer } from "./echo-peer.mjs";

const WAIT_MS = 20_000;
let server;
let browser;
const pageErrors = [];

before(async () => {
  server = await RmsServer.start();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (pageErrors.length) console.log(pageErrors.join("\n"));
});

/**
 * A page on the server's origin (a secure context: 127.0.0.1) with the SDK the server ships for
 * /demo/, joined to `channel`. In-page state lives in `window.t`.
 */
async function browserPeer(channel) {
  const page = await browser.newPage();
  collectPageErrors(page, "chromium", pageErrors);
  await page.goto(`${server.httpBase}/healthz`);
  const peerId = await page.evaluate(
    async ({ url, key, channel }) => {
      const { MeteredPeer } = await import("/demo/vendor/metered-realtime/index.mjs");
      const peer = new MeteredPeer({ apiKey: key, url });
      const t = (window.t = { peer, remotes: {}, data: [], dc: null, dcMessages: [], dcOpen: false });
      peer.on("peer-joined", ({ peer: remote }) => (t.remotes[remote.id] = remote));
      peer.on("peer-left", ({ peer: remote }) => delete t.remotes[remote.id]);
      peer.on("data", ({ senderPeerId, data, kind }) => t.data.push({ senderPeerId, data, kind }));
      await peer.join(channel);
      return peer.peerId;
    },
    { url: server.wsBase, key: PK, channel },
  );
  return { page, peerId };
}

function until(page, fn, arg) {
  return page.waitForFunction(fn, arg, { timeout: WAIT_MS });
}

test("Chromium's JS MeteredPeer and a Java MeteredPeer: signalling data, a data channel both ways, video with metadata", async () => {
  const channel = uniq("browser-java");
  const echo = await JavaEchoPeer.start({ url: server.wsBase, key: PK, channel });
  try {
    const { page, peerId } = await browserPeer(channel);

    // Presence both ways: the browser sees the Java peer in its snapshot, Java sees the browser join.
    await until(page, (id) => id in window.t.remotes, echo.peerId);
    await echo.waitForEvent("peer-joined", (e) => e.peer === peerId, WAIT_MS);

    // Signalling data: a broadcast from the browser comes back as a direct message from Java.
    await page.evaluate(() => window.t.peer.send({ hello: "from chromium", n: 1 }));
    await until(page, (id) => window.t.data.some((d) => d.senderPeerId === id && d.kind === "direct" && d.data.hello === "from chromium"), echo.peerId);

    // A data channel the browser opens on the RemotePeer's RTCPeerConnection: text and binary go
    // to Java (which reports them) and come back (its echo).
    await page.evaluate((id) => {
      const t = window.t;
      const dc = (t.dc = t.remotes[id].pc.createDataChannel("probe"));
      dc.binaryType = "arraybuffer";
      dc.onopen = () => {
        t.dcOpen = true;
        dc.send("ping from chromium ✓");
        dc.send(new Uint8Array([1, 2, 3, 250]));
      };
      dc.onmessage = (e) => t.dcMessages.push(typeof e.data === "string" ? e.data : [...new Uint8Array(e.data)]);
    }, echo.peerId);
    await until(page, () => window.t.dcOpen);
    await echo.waitForEvent("data-channel", (e) => e.peer === peerId && e.label === "probe", WAIT_MS);
    await echo.waitForEvent("data-channel-message", (e) => e.peer === peerId && !e.binary && e.bytes === Buffer.byteLength("ping from chromium ✓"), WAIT_MS);
    await echo.waitForEvent("data-channel-message", (e) => e.peer === peerId && e.binary && e.bytes === 4, WAIT_MS);
    await until(page, () => window.t.dcMessages.length >= 2);
    const echoed = await page.evaluate(() => window.t.dcMessages);
    assert.deepEqual(echoed, ["ping from chromium ✓", [1, 2, 3, 250]]);

    // Video: a canvas stream with metadata; Java gets stream-added with that metadata, the same
    // stream id, and one video track.
    const nonce = uniq("meta");
    const streamId = await page.evaluate((nonce) => {
      const canvas = document.createElement("canvas");
      canvas.width = 160;
      canvas.height = 120;
      const g = canvas.getContext("2d");
      let frame = 0;
      setInterval(() => {
        g.fillStyle = `hsl(${(frame += 7) % 360} 70% 50%)`;
        g.fillRect(0, 0, 160, 120);
      }, 50);
      const stream = canvas.captureStream(20);
      window.t.peer.addStream(stream, { role: "canvas", label: "chromium canvas", nonce, nested: { n: 1 } });
      return stream.id;
    }, nonce);
    const added = await echo.waitForEvent("stream-added", (e) => e.peer === peerId, WAIT_MS);
    assert.equal(added.streamId, streamId);
    assert.deepEqual(added.tracks, ["video"]);
    assert.deepEqual(added.metadata, { role: "canvas", label: "chromium canvas", nonce, nested: { n: 1 } });

    // The browser leaves: Java sees it go.
    await page.evaluate(() => window.t.peer.close("done"));
    await echo.waitForEvent("peer-left", (e) => e.peer === peerId, WAIT_MS);
    await page.close();
  } finally {
    assert.equal(await echo.stop(), 0, "rms peer echo exits 0 on SIGTERM");
  }
  assert.deepEqual(pageErrors.filter((e) => e.includes("uncaught")), []);
});
