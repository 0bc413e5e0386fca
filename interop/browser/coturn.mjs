// A real coturn (`turnserver`, Debian package coturn) for the TURN browser test, started inside
// run.sh's private network namespace on the veth address with the use-auth-secret scheme rms mints
// credentials for (docs/turn.md). Relaying to 10.200.0.0/24 is allowed because the test's peers
// live there; a production config denies private ranges instead.
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withDeadline } from "../test/harness.mjs";

export const TURN_HOST = "10.200.0.1";

/** A port free for TCP and UDP on TURN_HOST (the namespace holds nothing else). */
async function freePort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, TURN_HOST, () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });
    const udpFree = await new Promise((resolve) => {
      const s = createSocket("udp4");
      s.once("error", () => resolve(false));
      s.bind(port, TURN_HOST, () => s.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error(`no free port on ${TURN_HOST}`);
}

/** Resolves once a STUN Binding request (RFC 5389 section 6) to host:port is answered. */
async function stunAnswered(host, port, deadlineMs, isAlive) {
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
  const socket = createSocket("udp4");
  try {
    const answered = new Promise((resolve) => {
      socket.on("message", (msg) => {
        if (msg.length >= 20 && msg[0] === 0x01 && msg[1] === 0x01) resolve(); // Binding success
      });
    });
    const end = Date.now() + deadlineMs;
    for (;;) {
      if (!isAlive()) throw new Error("turnserver exited before answering STUN");
      socket.send(request, port, host);
      const got = await Promise.race([answered.then(() => true), new Promise((r) => setTimeout(() => r(false), 200))]);
      if (got) return;
      if (Date.now() > end) throw new Error(`turnserver did not answer STUN on ${host}:${port} within ${deadlineMs} ms`);
    }
  } finally {
    socket.close();
  }
}

export class Coturn {
  /** Starts coturn with static-auth-secret = secret and resolves once it answers STUN. */
  static async start(secret) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "coturn-"));
    const log = join(dir, "turnserver.log");
    const child = spawn(
      "turnserver",
      [
        "-n",
        `--listening-ip=${TURN_HOST}`,
        `--relay-ip=${TURN_HOST}`,
        `--listening-port=${port}`,
        "--min-port=49152",
        "--max-port=49352",
        "--use-auth-secret",
        `--static-auth-secret=${secret}`,
        "--realm=rms.test",
        "--allowed-peer-ip=10.200.0.0-10.200.0.255",
        "--no-tls",
        "--no-dtls",
        "--no-cli",
        `--userdb=${join(dir, "turndb")}`,
        `--pidfile=${join(dir, "turnserver.pid")}`,
        `--log-file=${log}`,
        "--simple-log",
        "--verbose",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    const coturn = new Coturn(child, port, dir, log);
    try {
      await stunAnswered(TURN_HOST, port, 20_000, () => child.exitCode === null && child.signalCode === null);
    } catch (err) {
      err.message += `\ncoturn log:\n${coturn.log()}`;
      await coturn.stop();
      throw err;
    }
    return coturn;
  }

  constructor(child, port, dir, logPath) {
    this.child = child;
    this.port = port;
    this.dir = dir;
    this.logPath = logPath;
    this.exited = new Promise((resolve) => child.on("exit", resolve));
    child.stderr.on("data", () => {}); // drained; coturn writes its log to logPath
  }

  /** The TURN URL for clients (UDP). */
  get turnUrl() {
    return `turn:${TURN_HOST}:${this.port}?transport=udp`;
  }

  log() {
    return existsSync(this.logPath) ? readFileSync(this.logPath, "utf8") : "";
  }

  /** Resolves once the log (written asynchronously by coturn) matches `regex`; polls with a deadline. */
  async waitForLog(regex, ms) {
    const end = Date.now() + ms;
    while (!regex.test(this.log())) {
      if (Date.now() > end) throw new Error(`coturn log never matched ${regex}:\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 50)); // polling a condition with a deadline
    }
  }

  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
      try {
        await withDeadline(this.exited, 10_000, "turnserver to exit");
      } catch {
        this.child.kill("SIGKILL");
        await this.exited;
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
