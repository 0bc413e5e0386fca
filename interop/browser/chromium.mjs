// Launches the system Chromium through playwright-core (which downloads no browser of its own).
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Flags from docs/webrtc-testing.md: no sandbox (tests run as root), no GPU, no background
 * traffic, and real host candidates (10.200.0.1) instead of mDNS `.local` names a Java peer
 * cannot resolve. The fake media flags answer getUserMedia with a synthetic camera and
 * microphone, without a permission prompt.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
];

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}

/** Copies the page's console errors and uncaught exceptions to `sink` (shown when a test fails). */
export function collectPageErrors(page, name, sink) {
  page.on("console", (msg) => {
    if (msg.type() === "error") sink.push(`[${name}] console.error: ${msg.text()} (${msg.location()?.url ?? "?"})`);
  });
  page.on("pageerror", (err) => sink.push(`[${name}] uncaught: ${err.message}`));
}
