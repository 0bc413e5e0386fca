// The /demo/ page served by rms, in two headless Chromium pages (separate browser contexts, like
// two users): presence, chat both ways, a video call, and leaving.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { RmsServer, PK, uniq } from "../test/harness.mjs";
import { launchChromium, collectPageErrors } from "./chromium.mjs";

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

async function openDemo(name, channel) {
  const context = await browser.newContext();
  const page = await context.newPage();
  collectPageErrors(page, name, pageErrors);
  await page.goto(`${server.httpBase}/demo/?key=${PK}&name=${name}#${channel}`);
  return page;
}

async function join(page) {
  await page.click("#join");
  await page.waitForFunction(() => document.querySelector("#roster li.self") !== null, null, { timeout: WAIT_MS });
  return page.getAttribute("#roster li.self", "data-peer-id");
}

/** Waits until the roster lists exactly `ids` (self included), in any order. */
function rosterIs(page, ids) {
  return page.waitForFunction(
    (want) => {
      const have = [...document.querySelectorAll("#roster li")].map((li) => li.dataset.peerId).sort();
      return JSON.stringify(have) === JSON.stringify([...want].sort());
    },
    ids,
    { timeout: WAIT_MS },
  );
}

function chatShows(page, from, text) {
  return page.waitForFunction(
    ([f, t]) =>
      [...document.querySelectorAll("#chat-log li")].some(
        (li) => li.querySelector(".from").textContent === f && li.querySelector(".text").textContent === t,
      ),
    [from, text],
    { timeout: WAIT_MS },
  );
}

async function say(page, text) {
  await page.fill("#chat-text", text);
  await page.click("#chat-send");
}

test("demo page: two tabs see each other, chat both ways, get each other's video, and see a leave", async () => {
  const channel = uniq("demo");
  const alice = await openDemo("alice", channel);
  const bob = await openDemo("bob", channel);

  assert.equal(await alice.inputValue("#url"), server.wsBase, "server URL defaults to the page's own origin");
  assert.equal(await alice.inputValue("#key"), PK, "key from ?key=");
  assert.equal(await alice.inputValue("#channel"), channel, "channel from the URL hash");

  const aliceId = await join(alice);
  const bobId = await join(bob);
  assert.notEqual(aliceId, bobId);

  // Presence: each roster lists both peers (bob from the snapshot he got on joining, alice from
  // the joined delta).
  await rosterIs(alice, [aliceId, bobId]);
  await rosterIs(bob, [aliceId, bobId]);
  // Names travel in a direct "hello" each side sends to a newcomer.
  await alice.waitForFunction((id) => document.querySelector(`#roster li[data-peer-id="${id}"]`)?.textContent.startsWith("bob"), bobId, { timeout: WAIT_MS });
  await bob.waitForFunction((id) => document.querySelector(`#roster li[data-peer-id="${id}"]`)?.textContent.startsWith("alice"), aliceId, { timeout: WAIT_MS });

  // Chat: broadcast send, both ways, unicode intact, own message shown once locally.
  await say(alice, "hello bob ✓");
  await chatShows(bob, "alice", "hello bob ✓");
  await chatShows(alice, "alice (you)", "hello bob ✓");
  await say(bob, "hi alice — über");
  await chatShows(alice, "bob", "hi alice — über");

  // Video: alice starts her (fake) camera; bob gets a tile for it whose video is playing.
  await alice.click("#start-video");
  await bob.waitForFunction(
    (id) => {
      const tile = document.querySelector(`.tile[data-peer-id="${id}"]`);
      const video = tile?.querySelector("video");
      return tile?.dataset.role === "camera" && video.videoWidth > 0 && video.currentTime > 0;
    },
    aliceId,
    { timeout: WAIT_MS },
  );
  const caption = await bob.textContent(`.tile[data-peer-id="${aliceId}"] figcaption`);
  assert.match(caption, /^alice: alice's camera \(camera\)$/);

  // Leaving: bob's roster and tiles drop alice.
  await alice.click("#leave");
  await rosterIs(bob, [bobId]);
  await bob.waitForFunction((id) => !document.querySelector(`.tile[data-peer-id="${id}"]`), aliceId, { timeout: WAIT_MS });
  await alice.waitForFunction(() => document.querySelector("#status").textContent.startsWith("left"), null, { timeout: WAIT_MS });
  assert.deepEqual(pageErrors.filter((e) => e.includes("uncaught")), []);
});

test("demo page: a bad key shows why the join failed", async () => {
  const page = await browser.newPage();
  collectPageErrors(page, "badkey", pageErrors);
  await page.goto(`${server.httpBase}/demo/?key=pk_live_nope#${uniq("demo")}`);
  await page.click("#join");
  await page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("join failed"), null, { timeout: WAIT_MS });
  assert.equal(await page.isEnabled("#join"), true, "the form is usable again");
  await page.close();
});
