// Test harness: starts the rms server jar, hands tests SDK and raw-ws clients,
// and cleans everything up. Every wait in here has a deadline; nothing sleeps
// to synchronise.
import { spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, writeFileSync, createWriteStream, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import { SignallingClient } from "@metered-ca/realtime";
import { before, after, afterEach } from "node:test";

const HERE = dirname(fileURLToPath(import.meta.url));
const INTEROP_DIR = resolve(HERE, "..");

export const PK = "pk_live_demo";
/** A publishable key limited to `room-*`, without the `send` and `presence` actions. */
export const PK_NARROW = "pk_live_narrow";
export const SK_ID = "sk_id_demo";
export const SK_SECRET = "sk_secret_demo_change_me";
export const SK_AUTH = `Bearer ${SK_ID}:${SK_SECRET}`;

const START_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 20_000;
export const DEFAULT_WAIT_MS = 5_000;

export const CONFIG_YAML = `server:
  host: 127.0.0.1
  port: 8080
apps:
  - id: demo
    publishableKeys:
      - key: ${PK}
        channels: ["**"]
        actions: [subscribe, publish, presence, send]
        allowedOrigins: []
      - key: ${PK_NARROW}
        channels: ["room-*"]
        actions: [subscribe, publish]
        allowedOrigins: []
    secretKeys:
      - id: ${SK_ID}
        secret: ${SK_SECRET}
        channels: ["**"]
        actions: [subscribe, publish, presence, send]
    limits:
      maxMessageSize: 65536
      maxChannelsPerConnection: 100
      messageRate: 100
      messageBurst: 200
      maxConcurrentConnections: 10000
      maxMessagesPerPeriod: 0
`;

/** Absolute path of the server jar (env RMS_JAR, default ../cli/target/rms.jar). */
export function jarPath() {
  return resolve(INTEROP_DIR, process.env.RMS_JAR ?? "../cli/target/rms.jar");
}

/** A unique name, so tests never share channels or peerIds by accident. */
export function uniq(prefix = "t") {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rejects after `ms` with a message naming what was awaited. */
export function withDeadline(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------
// Server process
// ---------------------------------------------------------------------------

const liveProcesses = new Set();
process.on("exit", () => {
  for (const child of liveProcesses) {
    try {
      child.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
});

export class RmsServer {
  constructor({ configYaml = CONFIG_YAML, env = {} } = {}) {
    this.env = env;
    const jar = jarPath();
    if (!existsSync(jar)) {
      throw new Error(`rms server jar not found at ${jar}: build it (mvn -B -DskipTests package) or set RMS_JAR`);
    }
    this.jar = jar;
    this.dir = mkdtempSync(join(tmpdir(), "rms-interop-"));
    this.configPath = join(this.dir, "rms.yaml");
    writeFileSync(this.configPath, configYaml);
    this.port = null;
    this.child = null;
    this.starts = 0;
  }

  static async start(opts) {
    const server = new RmsServer(opts);
    await server.#spawn(0);
    return server;
  }

  get wsBase() {
    return `ws://127.0.0.1:${this.port}`;
  }

  get httpBase() {
    return `http://127.0.0.1:${this.port}`;
  }

  get logPath() {
    return join(this.dir, `server-${this.starts}.log`);
  }

  /** Last lines of the current server log, for failure messages. */
  logTail(lines = 40) {
    try {
      return readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** Starts a second instance on the same port (after stop()). */
  async restart() {
    if (this.child) throw new Error("restart(): the server is still running; stop() it first");
    // The old socket may linger briefly in the kernel; a server that sets
    // SO_REUSEADDR binds at once. Retry only on a bind failure, with a deadline.
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await this.#spawn(this.port);
        return;
      } catch (err) {
        if (!/BindException|Address already in use/i.test(String(err.message)) || Date.now() > deadline) throw err;
      }
    }
  }

  async #spawn(port) {
    this.starts += 1;
    const log = createWriteStream(this.logPath);
    const child = spawn(
      "java",
      ["-jar", this.jar, "serve", "--config", this.configPath, "--port", String(port)],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...this.env } },
    );
    liveProcesses.add(child);
    this.child = child;
    const exited = new Promise((resolveExit) => {
      child.on("exit", (code, signal) => {
        liveProcesses.delete(child);
        resolveExit({ code, signal });
      });
    });
    this.exited = exited;
    let stdoutBuf = "";
    const listening = new Promise((resolveListening, rejectListening) => {
      child.stdout.on("data", (chunk) => {
        log.write(chunk);
        stdoutBuf += chunk.toString("utf8");
        const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(stdoutBuf);
        if (m) resolveListening(Number(m[1]));
        if (stdoutBuf.length > 1 << 20) stdoutBuf = stdoutBuf.slice(-4096);
      });
      child.on("error", rejectListening);
      exited.then(({ code, signal }) =>
        rejectListening(
          new Error(`server exited (code=${code}, signal=${signal}) before listening; log ${this.logPath}:\n${this.logTail()}`),
        ),
      );
    });
    child.stderr.on("data", (chunk) => log.write(chunk));
    try {
      const actual = await withDeadline(listening, START_DEADLINE_MS, "the server's 'listening on ws://127.0.0.1:<port>' line");
      if (port !== 0 && actual !== port) throw new Error(`asked for port ${port}, server says ${actual}`);
      this.port = actual;
    } catch (err) {
      await this.kill();
      throw err;
    }
  }

  /** SIGTERM and wait for exit; resolves to {code, signal}. */
  async stop() {
    const child = this.child;
    if (!child) return { code: null, signal: null };
    if (child.exitCode !== null || child.signalCode !== null) {
      this.child = null;
      return { code: child.exitCode, signal: child.signalCode };
    }
    child.kill("SIGTERM");
    try {
      return await withDeadline(this.exited, STOP_DEADLINE_MS, "the server to exit after SIGTERM");
    } catch (err) {
      child.kill("SIGKILL");
      await this.exited;
      throw err;
    } finally {
      this.child = null;
    }
  }

  async kill() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGKILL");
    await withDeadline(this.exited, STOP_DEADLINE_MS, "the server to die after SIGKILL");
  }

  // --- REST -------------------------------------------------------------

  async rest(method, path, body, { auth = SK_AUTH } = {}) {
    const headers = {};
    if (auth) headers.authorization = auth;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(this.httpBase + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(DEFAULT_WAIT_MS),
    });
    const text = await res.text();
    let json;
    try {
      json = text.length ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  /** Mints a JWT through `POST /v1/tokens`; returns {token, expiresAt}. */
  async mintToken(body) {
    const res = await this.rest("POST", "/v1/tokens", body);
    if (res.status !== 200 || typeof res.json?.token !== "string") {
      throw new Error(`POST /v1/tokens ${JSON.stringify(body)} -> ${res.status} ${res.text}`);
    }
    return res.json;
  }

  async restPublish(channel, body) {
    return this.rest("POST", `/v1/channels/${encodeURIComponent(channel)}/publish`, body);
  }

  async kick(peerId) {
    return this.rest("DELETE", `/v1/peers/${encodeURIComponent(peerId)}`);
  }
}

// ---------------------------------------------------------------------------
// JWT (hand-signed, for negative cases)
// ---------------------------------------------------------------------------

function b64url(value) {
  const buf = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === "string" ? value : JSON.stringify(value));
  return buf.toString("base64url");
}

/** HS256 JWT; `header` overrides default {alg:"HS256", typ:"JWT", kid}. */
export function signJwt(claims, { secret = SK_SECRET, kid = SK_ID, header = {} } = {}) {
  const h = { alg: "HS256", typ: "JWT", kid, ...header };
  const input = `${b64url(h)}.${b64url(claims)}`;
  const sig = createHmac("sha256", secret).update(input).digest();
  return `${input}.${b64url(sig)}`;
}

export function decodeJwtPayload(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

export function nowSec() {
  return Math.floor(Date.now() / 1000);
}

// ---------------------------------------------------------------------------
// Event recording with deadlines
// ---------------------------------------------------------------------------

/**
 * Records every event of interest in arrival order. `waitFor` resolves with the
 * first recorded (or future) entry at index >= `from` that matches, so a test
 * can never miss an event that fired before it started waiting.
 */
export class Recorder {
  constructor() {
    this.items = [];
    this.waiters = new Set();
  }

  push(event, payload) {
    this.items.push({ event, payload, at: Date.now() });
    for (const w of [...this.waiters]) w();
  }

  /** Number of entries so far; pass it as `from` to wait for later entries. */
  get mark() {
    return this.items.length;
  }

  find(event, pred = () => true, from = 0) {
    for (let i = from; i < this.items.length; i++) {
      const it = this.items[i];
      if (it.event === event && pred(it.payload)) return { index: i, payload: it.payload };
    }
    return null;
  }

  all(event, pred = () => true) {
    return this.items.filter((it) => it.event === event && pred(it.payload)).map((it) => it.payload);
  }

  /** Resolves with {index, payload}. */
  waitForEntry(event, pred = () => true, { from = 0, timeoutMs = DEFAULT_WAIT_MS, what } = {}) {
    const hit = this.find(event, pred, from);
    if (hit) return Promise.resolve(hit);
    let check;
    const p = new Promise((resolveHit) => {
      check = () => {
        const h = this.find(event, pred, from);
        if (h) {
          this.waiters.delete(check);
          resolveHit(h);
        }
      };
      this.waiters.add(check);
    });
    const label = what ?? `event '${event}'`;
    return withDeadline(p, timeoutMs, `${label}; recorded: ${this.describe()}`).finally(() =>
      this.waiters.delete(check),
    );
  }

  async waitFor(event, pred, opts) {
    return (await this.waitForEntry(event, pred, opts)).payload;
  }

  describe() {
    const tail = this.items.slice(-12).map((it) => `${it.event}:${safeJson(it.payload)}`);
    return `[${tail.join(", ")}]`;
  }
}

function safeJson(v) {
  try {
    const s = JSON.stringify(v);
    return s && s.length > 300 ? s.slice(0, 300) + "…" : s;
  } catch {
    return String(v);
  }
}

// ---------------------------------------------------------------------------
// Official SDK clients
// ---------------------------------------------------------------------------

const SDK_EVENTS = [
  "connected",
  "disconnected",
  "state-change",
  "message",
  "direct",
  "presence",
  "server-error",
  "going-away",
  "token-provider-error",
];

/** Tracks clients and sockets a test file opens so `closeAll` can end them. */
export class Pool {
  constructor() {
    this.clients = new Set();
    this.raws = new Set();
  }

  /**
   * A real `SignallingClient` wired to `ws` (Node 20 has no global WebSocket;
   * the SDK takes a `webSocketFactory`). `rec` records every SDK event.
   */
  sdk(server, opts) {
    const client = new SignallingClient({
      url: server.wsBase,
      webSocketFactory: (url) => new WebSocket(url),
      ...opts,
    });
    const rec = new Recorder();
    for (const ev of SDK_EVENTS) client.on(ev, (p) => rec.push(ev, p));
    this.clients.add(client);
    return { client, rec };
  }

  /** Connected SDK client; resolves with {client, rec, peerId}. */
  async connected(server, opts) {
    const c = this.sdk(server, opts);
    await withDeadline(c.client.connect(), DEFAULT_WAIT_MS * 2, "SignallingClient.connect()");
    const connected = await c.rec.waitFor("connected");
    return { ...c, peerId: connected.peerId, welcome: connected };
  }

  async raw(url, wsOpts) {
    const r = await RawClient.open(url, wsOpts);
    this.raws.add(r);
    return r;
  }

  async closeAll() {
    const clients = [...this.clients];
    const raws = [...this.raws];
    this.clients.clear();
    this.raws.clear();
    await Promise.allSettled(clients.map((c) => withDeadline(c.close(), 3_000, "client.close()")));
    for (const r of raws) r.terminate();
  }
}

/** A token provider that mints a fresh JWT via REST on every call. */
export function restTokenProvider(server, body) {
  const calls = [];
  const provider = async () => {
    const minted = await server.mintToken(body);
    calls.push(minted);
    return minted.token;
  };
  provider.calls = calls;
  return provider;
}

// ---------------------------------------------------------------------------
// Raw `ws` client (for what the SDK hides)
// ---------------------------------------------------------------------------

export class RawClient {
  constructor(ws) {
    this.ws = ws;
    this.frames = []; // {frame, isBinary, raw}
    this.waiters = new Set();
    this.closeInfo = null;
    this.closed = new Promise((resolveClosed) => {
      ws.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString("utf8") };
        resolveClosed(this.closeInfo);
        for (const w of [...this.waiters]) w();
      });
    });
    ws.on("message", (data, isBinary) => {
      const raw = data.toString("utf8");
      let frame;
      try {
        frame = JSON.parse(raw);
      } catch {
        frame = { __unparseable: raw };
      }
      this.frames.push({ frame, isBinary, raw });
      for (const w of [...this.waiters]) w();
    });
    ws.on("error", () => {
      /* surfaced through close / open */
    });
  }

  /** Opens and resolves once the upgrade completed (the `welcome` may follow). */
  static open(url, wsOpts = {}) {
    const ws = new WebSocket(url, wsOpts);
    const client = new RawClient(ws);
    const opened = new Promise((resolveOpen, rejectOpen) => {
      ws.once("open", () => resolveOpen(client));
      ws.once("unexpected-response", (_req, res) => {
        rejectOpen(Object.assign(new Error(`HTTP ${res.statusCode} instead of upgrade`), { statusCode: res.statusCode }));
        ws.terminate();
      });
      ws.once("error", rejectOpen);
    });
    return withDeadline(opened, DEFAULT_WAIT_MS, `ws upgrade of ${url.replace(/([?&](key|token))=[^&]*/g, "$1=***")}`);
  }

  send(obj) {
    this.ws.send(typeof obj === "string" ? obj : JSON.stringify(obj));
  }

  get mark() {
    return this.frames.length;
  }

  /** Resolves with the first frame at index >= from matching pred. */
  next(pred = () => true, { from = 0, timeoutMs = DEFAULT_WAIT_MS, what = "a matching frame" } = {}) {
    const scan = () => {
      for (let i = from; i < this.frames.length; i++) if (pred(this.frames[i].frame)) return this.frames[i].frame;
      return undefined;
    };
    const hit = scan();
    if (hit) return Promise.resolve(hit);
    let check;
    const p = new Promise((resolveHit, rejectHit) => {
      check = () => {
        const h = scan();
        if (h) resolveHit(h);
        else if (this.closeInfo) rejectHit(new Error(`socket closed (${JSON.stringify(this.closeInfo)}) while waiting for ${what}; frames: ${this.describe()}`));
      };
      this.waiters.add(check);
    });
    return withDeadline(p, timeoutMs, `${what}; frames: ${this.describe()}`).finally(() => this.waiters.delete(check));
  }

  /** Sends a frame with a fresh requestId and resolves with the ack/error for it. */
  async request(obj, opts) {
    const requestId = obj.requestId ?? randomUUID();
    const from = this.mark;
    this.send({ ...obj, requestId });
    return this.next((f) => (f.type === "ack" || f.type === "error") && f.requestId === requestId, {
      from,
      what: `ack/error for ${obj.type} ${requestId}`,
      ...opts,
    });
  }

  waitClosed(timeoutMs = DEFAULT_WAIT_MS) {
    return withDeadline(this.closed, timeoutMs, "the socket to close");
  }

  describe() {
    return `[${this.frames.slice(-10).map((f) => f.raw.slice(0, 200)).join(", ")}]`;
  }

  close() {
    this.ws.close();
  }

  terminate() {
    this.ws.terminate();
  }
}

// ---------------------------------------------------------------------------
// Per-file fixture
// ---------------------------------------------------------------------------

/**
 * One server per test file, clients closed after each test.
 * Returns a context whose `server` and `pool` are set once `before` ran.
 */
export function useServer(opts) {
  const ctx = { server: null, pool: new Pool() };
  before(async () => {
    ctx.server = await RmsServer.start(opts);
  });
  afterEach(async () => {
    await ctx.pool.closeAll();
  });
  after(async () => {
    await ctx.pool.closeAll();
    if (ctx.server) await ctx.server.stop();
  });
  return ctx;
}

/** Asserts that `promise` rejects with an Error whose `name` is `name`; returns the error. */
export async function rejectsWithName(promise, name) {
  let err;
  try {
    await withDeadline(promise, DEFAULT_WAIT_MS * 4, `a rejection named ${name}`);
  } catch (e) {
    err = e;
  }
  if (!err) throw new Error(`expected a rejection named '${name}', but the promise resolved`);
  if (err.name !== name) {
    const e = new Error(`expected err.name '${name}', got '${err.name}': ${err.message}`);
    e.cause = err;
    throw e;
  }
  return err;
}
