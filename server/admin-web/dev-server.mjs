// Front-end development only: serves the built dashboard (node build.mjs dist) with a made-up
// admin API on http://127.0.0.1:5178/admin/ (login admin / dev-password-123), so the page can be
// worked on without a Java build. The real API is the server's (docs/operations.md "Admin API");
// the tests run against real servers, never against this.
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { join, dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const PORT = Number(process.env.PORT ?? 5178);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".woff2": "font/woff2", ".txt": "text/plain" };

const started = Date.now() - 3 * 3600_000 - 1234_000;
let received = 182_340;
let delivered = 1_203_551;
let connections = 1342;
const history = [];
const activity = [
  { t: Date.now() - 600_000, user: "admin", remote: "127.0.0.1", action: "config.reload", target: null, outcome: "applied", detail: "limits changed chat" },
  { t: Date.now() - 1_800_000, user: "admin", remote: "127.0.0.1", action: "kick", target: "chat/spammer-42", outcome: "ok", detail: "closed 4020" },
];
function sample(t) {
  const inRate = 40 + 25 * Math.sin(t / 40_000) + Math.random() * 12;
  const outRate = inRate * (6 + Math.random());
  received += inRate;
  delivered += outRate;
  connections = Math.max(900, connections + Math.round((Math.random() - 0.48) * 12));
  return {
    t, connections, channels: 214, subscriptions: 2875, received, delivered,
    receivedPerSecond: Math.round(inRate * 10) / 10, deliveredPerSecond: Math.round(outRate * 10) / 10,
    heapUsedBytes: 180e6 + Math.random() * 60e6, heapMaxBytes: 1024 * 1024 * 1024, directUsedBytes: 34e6,
    nettyUsedBytes: 16 * 1024 * 1024, outboundQueuedBytes: 120_000 + Math.random() * 40_000,
    apps: [{ id: "chat", connections: connections - 88, channels: 200, received, delivered }, { id: "presence-demo", connections: 88, channels: 14, received: 0, delivered: 0 }],
  };
}
for (let t = Date.now() - 300_000; t <= Date.now(); t += 1000) history.push(sample(t));

const apps = [
  { id: "chat", enabled: true, connections: 1254, channels: 200, subscriptions: 2700, received, delivered, clusterConnections: 3861, messagesThisPeriod: 7_412_000, period: { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 11, 1) },
    limits: { maxMessageSize: 65536, maxChannelsPerConnection: 100, messageRate: 100, messageBurst: 200, maxConcurrentConnections: 5000, maxMessagesPerPeriod: 10_000_000, maxTokenLifetimeSeconds: 86400 },
    publishableKeys: [{ key: "pk_live_chat_7f3a", channels: ["room-*"], actions: ["publish", "subscribe"] }], secretKeys: [{ id: "sk_id_chat_backend", channels: ["**"], actions: ["presence", "publish", "send", "subscribe"] }] },
  { id: "presence-demo", enabled: true, connections: 88, channels: 14, subscriptions: 175, received: 0, delivered: 0, clusterConnections: 88, messagesThisPeriod: 12_004, period: { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 11, 1) },
    limits: { maxMessageSize: 16384, maxChannelsPerConnection: 20, messageRate: 20, messageBurst: 40, maxConcurrentConnections: 100, maxMessagesPerPeriod: 0, maxTokenLifetimeSeconds: 3600 },
    publishableKeys: [{ key: "pk_live_presence", channels: ["**"], actions: ["presence", "subscribe"] }], secretKeys: [] },
];
const peers = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
const channels = ["room-lobby", "room-support", "room-eng", "room-design", "room-sales", "game-42", "game-43", "notifications"].map((name, i) => ({ name, subscribers: 40 - i * 4, peers: 31 - i * 3 }));

function json(res, status, body, headers = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
let session = null;

createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  const path = url.pathname;
  if (path === "/admin") return res.writeHead(301, { Location: "/admin/" }).end();
  if (path === "/admin/") {
    const signed = session && (req.headers.cookie ?? "").includes(`rms_admin=${session}`);
    res.writeHead(signed ? 200 : 401, { "Content-Type": "text/html" });
    return res.end(readFileSync(join(dist, "index.html")));
  }
  if (path.startsWith("/admin/assets/")) {
    const file = join(dist, "assets", path.slice("/admin/assets/".length));
    if (!existsSync(file)) return json(res, 404, { error: "not_found" });
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    return res.end(readFileSync(file));
  }
  if (!path.startsWith("/admin/api/")) return json(res, 404, { error: "not_found" });
  const rest = path.slice("/admin/api/".length);
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    if (rest === "login") {
      const b = JSON.parse(body || "{}");
      if (b.username !== "admin" || b.password !== "dev-password-123") return json(res, 401, { error: "unauthorized", message: "wrong username or password" });
      session = Math.random().toString(36).slice(2);
      return json(res, 200, { username: "admin" }, { "Set-Cookie": `rms_admin=${session}; Path=/admin/; HttpOnly; SameSite=Strict` });
    }
    if (!session || !(req.headers.cookie ?? "").includes(`rms_admin=${session}`)) return json(res, 401, { error: "unauthorized" });
    if (rest === "session") return json(res, 200, { username: "admin" });
    if (rest === "logout") {
      session = null;
      return json(res, 200, { ok: true });
    }
    if (rest === "events") {
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
      res.write("retry: 3000\n\n");
      const timer = setInterval(() => {
        const s = sample(Date.now());
        history.push(s);
        res.write(`event: sample\ndata: ${JSON.stringify(s)}\n\n`);
      }, 1000);
      req.on("close", () => clearInterval(timer));
      return;
    }
    if (rest === "overview") {
      return json(res, 200, {
        node: { id: "5f0c2a9e-7d1b-4f6e-9a43-0c8f1e2b3d4a", version: "0.1.0-SNAPSHOT", startedAt: started, backplane: "redis" },
        apps: apps.length,
        nodes: [
          { id: "5f0c2a9e-7d1b-4f6e-9a43-0c8f1e2b3d4a", self: true, version: "0.1.0-SNAPSHOT", startedAt: started, lastSeenAt: Date.now(), connections, uptimeSeconds: (Date.now() - started) / 1000 },
          { id: "a81be3c2-11aa-4b2c-8d55-9e0f7a6b5c4d", self: false, version: "0.1.0-SNAPSHOT", startedAt: started, lastSeenAt: Date.now() - 1500, connections: 1290, receivedPerSecond: 51.2, deliveredPerSecond: 301.4, heapUsedBytes: 201e6, heapMaxBytes: 1073741824, uptimeSeconds: 10_400 },
          { id: "c3d4e5f6-2b3c-4d5e-8f90-1a2b3c4d5e6f", self: false, version: "0.1.0-SNAPSHOT", startedAt: started, lastSeenAt: Date.now() - 900, connections: 1229, receivedPerSecond: 47.9, deliveredPerSecond: 288.0, heapUsedBytes: 188e6, heapMaxBytes: 1073741824, uptimeSeconds: 10_380 },
        ],
        history: history.slice(-300),
      });
    }
    if (rest === "apps") return json(res, 200, { apps });
    if (rest === "activity") return json(res, 200, { entries: activity });
    if (rest === "connections") {
      const list = peers.map((p, i) => ({ id: 1000 + i, app: "chat", peerId: p, remoteAddress: `203.0.113.${10 + i}`, connectedAt: Date.now() - i * 600_000, channels: 1 + (i % 4), queuedBytes: i === 3 ? 48_000 : 0 }));
      return json(res, 200, { total: 1342, connections: list });
    }
    let m = rest.match(/^apps\/([^/]+)\/channels$/);
    if (m) return json(res, 200, { app: m[1], total: channels.length, channels });
    m = rest.match(/^apps\/([^/]+)\/channels\/(.+)$/);
    if (m) return json(res, 200, { app: m[1], name: decodeURIComponent(m[2]), subscribers: peers.slice(0, 5).map((p, i) => ({ connectionId: 1000 + i, peerId: p, presence: i !== 2 })), members: peers.slice(0, 4).map((p) => ({ peerId: p, metadata: { name: p[0].toUpperCase() + p.slice(1), avatar: `https://example.com/${p}.png` } })) });
    m = rest.match(/^apps\/([^/]+)\/peers\/([^/]+)$/);
    if (m) return json(res, 200, { app: m[1], peerId: decodeURIComponent(m[2]), clusterConnections: 2, connections: [{ id: 1003, node: "5f0c2a9e", remoteAddress: "203.0.113.13", connectedAt: Date.now() - 1_800_000, channels: ["room-lobby", "room-eng"], queuedBytes: 0, credential: "sk_id_chat_backend", expiresAt: Date.now() + 2_400_000 }] });
    m = rest.match(/^apps\/([^/]+)\/peers\/([^/]+)\/kick$/);
    if (m) {
      activity.unshift({ t: Date.now(), user: "admin", remote: "127.0.0.1", action: "kick", target: `${m[1]}/${m[2]}`, outcome: "ok", detail: "closed 4020" });
      return json(res, 200, { kicked: true });
    }
    m = rest.match(/^apps\/([^/]+)\/tokens$/);
    if (m) {
      const b = JSON.parse(body || "{}");
      const claims = { sub: b.peerId, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + (b.expiresInSec ?? 3600), peerMetadata: b.peerMetadata };
      return json(res, 200, { token: "eyJhbGciOiJIUzI1NiIsImtpZCI6InNrX2lkX2NoYXRfYmFja2VuZCIsInR5cCI6IkpXVCJ9." + Buffer.from(JSON.stringify(claims)).toString("base64url") + ".c2lnbmF0dXJlLW5vdC1yZWFs", expiresAt: claims.exp, keyId: b.keyId, claims });
    }
    if (rest === "config") return json(res, 200, { reloadable: true, loadedAt: started, file: "/etc/rms/rms.yaml", config: { server: { host: "0.0.0.0", port: 8080 }, apps: [{ id: "chat", secretKeys: [{ id: "sk_id_chat_backend", secret: "********" }] }], admin: { username: "admin", password: "********" } } });
    if (rest === "config/reload") return json(res, 200, { applied: true, summary: "no changes" });
    json(res, 404, { error: "not_found" });
  });
}).listen(PORT, "127.0.0.1", () => console.log(`dev dashboard on http://127.0.0.1:${PORT}/admin/ (admin / dev-password-123)`));
