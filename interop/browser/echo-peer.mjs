// `rms peer echo --events` as a child process: a Java MeteredPeer (sdk-webrtc) that echoes data
// and data-channel messages and prints its peers' events as JSON lines.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { jarPath, withDeadline, DEFAULT_WAIT_MS } from "../test/harness.mjs";

const live = new Set();
process.on("exit", () => {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      /* gone */
    }
  }
});

export class JavaEchoPeer {
  /** Starts the echo peer and resolves once it has joined, with its peerId. */
  static async start({ url, key, channel, joinMs = 60_000, args = [] }) {
    const echo = new JavaEchoPeer(url, key, channel, args);
    const joined = await echo.waitForEvent("joined", () => true, joinMs);
    echo.peerId = joined.peerId;
    return echo;
  }

  constructor(url, key, channel, args = []) {
    this.lines = [];
    this.waiters = new Set();
    this.child = spawn(
      "java",
      ["-jar", jarPath(), "peer", "echo", "--url", url, "--key", key, "--channel", channel, "--events", ...args],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    live.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        live.delete(this.child);
        resolve({ code, signal });
        for (const w of this.waiters) w.check(true);
      });
    });
    const onLine = (line) => {
      this.lines.push(line);
      for (const w of this.waiters) w.check(false);
    };
    createInterface({ input: this.child.stdout }).on("line", onLine);
    createInterface({ input: this.child.stderr }).on("line", (l) => this.lines.push(`stderr: ${l}`));
  }

  /** Every JSON event line printed so far, parsed. */
  events() {
    return this.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  }

  /** Resolves with the first (past or future) event named `name` matching `predicate`. */
  waitForEvent(name, predicate = () => true, ms = DEFAULT_WAIT_MS) {
    const find = () => this.events().find((e) => e.event === name && predicate(e));
    let waiter;
    const found = new Promise((resolve, reject) => {
      waiter = {
        check: (exited) => {
          const e = find();
          if (e) resolve(e);
          else if (exited) reject(new Error(`rms peer echo exited before '${name}'`));
        },
      };
      this.waiters.add(waiter);
      waiter.check(this.child.exitCode !== null);
    });
    return withDeadline(found, ms, `rms peer echo event '${name}'`)
      .catch((err) => {
        err.message += `\nrms peer echo output:\n${this.lines.slice(-40).join("\n")}`;
        throw err;
      })
      .finally(() => this.waiters.delete(waiter));
  }

  /** SIGTERM, then resolves with the exit code (20 s deadline). */
  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    const { code } = await withDeadline(this.exited, 20_000, "rms peer echo to exit");
    return code;
  }
}
