// The admin dashboard (/admin/) in headless Chromium against a real rms server, with real clients
// (the official JS SDK): the numbers it shows are what the clients did, kick / mint / reload work
// from the page, and every step is saved as a screenshot in interop/target/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CONFIG_YAML, PK, Pool, RmsServer, restTokenProvider, uniq } from "../test/harness.mjs";
import { collectPageErrors, launchChromium } from "./chromium.mjs";

const PASSWORD = "admin-password-for-tests";
const ADMIN = `admin:\n  username: ops\n  password: ${PASSWORD}\n`;
const SHOTS = resolve(dirname(fileURLToPath(import.meta.url)), "../target/screenshots");
const WAIT_MS = 20_000;

let server;
let browser;
const pool = new Pool();
const pageErrors = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await RmsServer.start({ configYaml: CONFIG_YAML + ADMIN });
  browser = await launchChromium();
});

after(async () => {
  await pool.closeAll();
  await browser?.close();
  await server?.stop();
  if (pageErrors.length) console.log(pageErrors.join("\n"));
});

async function openPage(viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  collectPageErrors(page, "admin", pageErrors);
  return page;
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: `${SHOTS}/admin-${name}.png`, fullPage });
}

async function signIn(page) {
  await page.goto(`${server.httpBase}/admin/`);
  await page.waitForSelector("form.login-form");
  await page.fill("input[name=username]", "ops");
  await page.fill("input[name=password]", PASSWORD);
  await page.click("[data-testid=login]");
  await page.waitForSelector("[data-testid=stat-connections]", { timeout: WAIT_MS });
}

/** Waits until the text of `selector` is `expected` (numbers as the page formats them). */
async function textIs(page, selector, expected) {
  try {
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel)?.textContent.trim() === want,
      [selector, expected],
      { timeout: WAIT_MS },
    );
  } catch (e) {
    const now = await page.locator(selector).first().textContent().catch(() => "(missing)");
    throw new Error(`${selector}: expected "${expected}", page shows "${now}"`, { cause: e });
  }
}

test("sign-in: wrong password refused on the page, right one opens the overview", async () => {
  const page = await openPage();
  const res = await page.goto(`${server.httpBase}/admin/`);
  assert.equal(res.status(), 401, "the page itself answers 401 before sign-in");
  await page.waitForSelector("form.login-form");
  await shot(page, "01-login");
  await page.fill("input[name=username]", "ops");
  await page.fill("input[name=password]", "not-the-password");
  await page.click("[data-testid=login]");
  await page.waitForSelector(".note-error", { timeout: WAIT_MS });
  assert.match(await page.textContent(".note-error"), /Wrong username or password/);
  await page.fill("input[name=password]", PASSWORD);
  await page.click("[data-testid=login]");
  await page.waitForSelector("[data-testid=stat-connections]", { timeout: WAIT_MS });
  await page.waitForSelector("[data-testid=live-state].live-on", { timeout: WAIT_MS });
  await page.context().close();
});

test("the dashboard shows what real SDK clients did; kick, mint and reload work from it", async () => {
  const channel = uniq("room");
  const alice = await pool.connected(server, {
    tokenProvider: restTokenProvider(server, { peerId: "alice", peerMetadata: { name: "Alice" } }),
  });
  const bob = await pool.connected(server, {
    tokenProvider: restTokenProvider(server, { peerId: "bob", peerMetadata: { name: "Bob" } }),
    reconnect: { initialDelayMs: 50, maxDelayMs: 100 },
  });
  const carol = await pool.connected(server, { apiKey: PK });
  for (const c of [alice, bob, carol]) await c.client.subscribe(channel);
  for (let i = 0; i < 5; i++) await alice.client.publish(channel, { n: i });
  await bob.rec.waitFor("message", (m) => m.data?.n === 4);
  await carol.rec.waitFor("message", (m) => m.data?.n === 4);

  const page = await openPage();
  await signIn(page);
  // 3 connections; 5 messages received, each delivered to the 2 other subscribers.
  await textIs(page, "[data-testid=stat-connections] [data-value]", "3");
  await textIs(page, "[data-testid=total-received]", "5 total");
  await textIs(page, "[data-testid=total-delivered]", "10 total");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=chart-messages] canvas").length > 0);
  await shot(page, "02-overview");

  await page.click("[data-nav=apps]");
  await textIs(page, "[data-testid=app-demo-connections]", "3");
  await textIs(page, "[data-testid=app-demo-received]", "5");
  await shot(page, "03-apps");

  await page.goto(`${server.httpBase}/admin/#/channels?app=demo&channel=${channel}`);
  await page.waitForSelector(`[data-testid=channels] [data-channel="${channel}"]`, { timeout: WAIT_MS });
  assert.equal(
    (await page.textContent(`[data-testid=channels] [data-channel="${channel}"] td:nth-child(2)`)).trim(),
    "3",
    "subscribers of the channel",
  );
  await page.waitForSelector("[data-testid=members] [data-peer=alice]", { timeout: WAIT_MS });
  const members = await page.$$eval("[data-testid=members] li", (lis) => lis.map((li) => li.dataset.peer).sort());
  assert.deepEqual(members, ["alice", "bob", carol.peerId].sort());
  assert.match(await page.textContent("[data-testid=members] [data-peer=alice]"), /"name": "Alice"/);
  await shot(page, "04-channel");

  // Kick bob from his peer view: the SDK gets 4020 and the page counts 2 connections.
  await page.goto(`${server.httpBase}/admin/#/connections?app=demo&peer=bob&peerApp=demo`);
  await page.waitForSelector("[data-testid=peer-detail] [data-connection]", { timeout: WAIT_MS });
  await shot(page, "05-peer");
  await page.click("[data-testid=kick]");
  await page.click("[data-testid=confirm]");
  const disc = await bob.rec.waitFor("disconnected", undefined, { timeoutMs: WAIT_MS });
  assert.equal(disc.code, 4020);
  assert.equal(disc.willReconnect, false);
  await page.click("[data-nav=overview]");
  await textIs(page, "[data-testid=stat-connections] [data-value]", "2");
  await page.waitForSelector("[data-testid=activity] li", { timeout: WAIT_MS });
  assert.match(await page.textContent("[data-testid=activity]"), /kick\s*demo\/bob/);
  await shot(page, "06-after-kick");

  // Mint a token on the page and connect with it.
  await page.click("[data-nav=tokens]");
  await page.waitForSelector("[data-testid=token-form]");
  await page.fill("input[name=peerId]", "dave");
  await page.fill("textarea[name=peerMetadata]", '{"name": "Dave"}');
  await page.click("[data-testid=mint]");
  await page.waitForSelector("[data-testid=token]", { timeout: WAIT_MS });
  const token = (await page.textContent("[data-testid=token]")).trim();
  await shot(page, "07-token");
  const dave = await pool.connected(server, { tokenProvider: async () => token });
  assert.equal(dave.peerId, "dave");
  await page.click("[data-nav=overview]");
  await textIs(page, "[data-testid=stat-connections] [data-value]", "3");

  // The configuration, secrets masked; a reload from the page applies an edited file.
  await page.click("[data-nav=config]");
  await page.waitForSelector(".json-config");
  const config = await page.textContent(".json-config");
  assert.match(config, /"secret": "\*{8}"/);
  assert.doesNotMatch(config, /sk_secret_demo_change_me|admin-password-for-tests/);
  await shot(page, "08-config");
  writeFileSync(
    server.configPath,
    CONFIG_YAML + `  - id: extra\n    publishableKeys:\n      - key: pk_live_extra\n        channels: ["**"]\n` + ADMIN,
  );
  await page.click("[data-testid=reload]");
  await page.click("[data-testid=confirm]");
  await page.waitForSelector("[data-testid=reload-result]", { timeout: WAIT_MS });
  assert.match(await page.textContent("[data-testid=reload-result]"), /apps added extra/);
  await shot(page, "09-reloaded");
  await page.click("[data-nav=apps]");
  await page.waitForSelector("[data-app=extra]", { timeout: WAIT_MS });
  const extra = await pool.connected(server, { apiKey: "pk_live_extra" });
  assert.ok(extra.peerId);
  await textIs(page, "[data-testid=app-extra-connections]", "1"); // the page refreshes every ~5 s
  await shot(page, "10-apps-after-reload");
  await page.context().close();
});

test("the apps page shows each webhook endpoint's deliveries, failures and queue", async () => {
  // A receiver that fails the first POST (500) and accepts the retry.
  let requests = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(requests++ === 0 ? 500 : 200).end());
  });
  await new Promise((ok) => receiver.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${receiver.address().port}/hooks`;
  const hooked = await RmsServer.start({
    configYaml: `webhooks: {batchDelay: 10ms, retryMinDelay: 50ms}\n` + CONFIG_YAML + `    webhooks:
      - url: ${url}
        secret: whsec_admin_page_0123456789
        events: [peer.connected]
` + ADMIN,
  });
  try {
    await pool.connected(hooked, { apiKey: PK });
    const page = await openPage();
    await page.goto(`${hooked.httpBase}/admin/`);
    await page.waitForSelector("form.login-form");
    await page.fill("input[name=username]", "ops");
    await page.fill("input[name=password]", PASSWORD);
    await page.click("[data-testid=login]");
    await page.waitForSelector("[data-testid=stat-connections]", { timeout: WAIT_MS });
    await page.click("[data-nav=apps]");
    const row = `[data-testid=app-demo-webhooks] [data-endpoint="${url}"]`;
    // The apps page refreshes every ~5 s of live samples.
    await textIs(page, `${row} [data-field=delivered]`, "1");
    await textIs(page, `${row} [data-field=failures]`, "1");
    await textIs(page, `${row} [data-field=lost]`, "0");
    await textIs(page, `${row} [data-field=queueDepth]`, "0");
    assert.match(await page.textContent(row), /last failure: HTTP 500/);
    await shot(page, "11-apps-webhooks");
    await page.context().close();
  } finally {
    await pool.closeAll();
    await hooked.stop();
    await new Promise((ok) => receiver.close(ok));
  }
});

test("narrow screens: the menu folds away and nothing scrolls sideways", async () => {
  const page = await openPage({ width: 390, height: 844 });
  await signIn(page);
  await page.waitForSelector(".icon-btn.nav-toggle", { state: "visible" });
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await shot(page, "11-mobile-overview");
  await page.click(".icon-btn.nav-toggle");
  await page.waitForSelector(".nav-open .sidebar", { state: "visible" });
  await shot(page, "12-mobile-menu", false);
  await page.context().close();
});
