import { ArrowDownToLine, ArrowUpFromLine, Hash, MemoryStick, Server, Users } from "lucide-preact";
import { TimeChart } from "../chart.jsx";
import { bytes, clock, compact, count, duration, rate } from "../format.js";
import { latest, useLive } from "../live.js";
import { href } from "../router.js";
import { Badge, Card, Empty, Stat } from "../ui.jsx";

const MESSAGE_SERIES = [
  { field: "receivedPerSecond", label: "Received /s", color: "#6366f1", fill: "rgba(99,102,241,0.10)" },
  { field: "deliveredPerSecond", label: "Delivered /s", color: "#10b981", fill: "rgba(16,185,129,0.08)" },
];
const CONNECTION_SERIES = [{ field: "connections", label: "Connections", color: "#0ea5e9", fill: "rgba(14,165,233,0.10)" }];
const MEMORY_SERIES = [
  { field: "heapUsedBytes", label: "Heap used", color: "#f59e0b", fill: "rgba(245,158,11,0.10)" },
  { field: "directUsedBytes", label: "Direct buffers", color: "#a855f7" },
];

export function Overview() {
  const live = useLive();
  const s = latest(live.samples);
  const overview = live.overview;
  return (
    <div class="page">
      <div class="stats">
        <Stat testId="stat-connections" label="Connections" value={count(s?.connections)} icon={Users} tone="sky"
          hint={s ? `${count(s.subscriptions)} subscriptions` : null} />
        <Stat testId="stat-channels" label="Channels" value={count(s?.channels)} icon={Hash} tone="violet"
          hint={overview ? `${overview.apps} app${overview.apps === 1 ? "" : "s"}` : null} />
        <Stat testId="stat-in" label="Received" value={rate(s?.receivedPerSecond)} unit="msg/s" icon={ArrowDownToLine}
          tone="indigo" hint={s ? <span data-testid="total-received">{count(s.received)} total</span> : null} />
        <Stat testId="stat-out" label="Delivered" value={rate(s?.deliveredPerSecond)} unit="msg/s" icon={ArrowUpFromLine}
          tone="green" hint={s ? <span data-testid="total-delivered">{count(s.delivered)} total</span> : null} />
      </div>

      <div class="grid-2-1">
        <Card title="Messages per second" subtitle="Received from clients and delivered to connections on this node, last 5 minutes">
          <TimeChart testId="chart-messages" samples={live.samples} series={MESSAGE_SERIES} format={compact} />
        </Card>
        <Card title="Memory" subtitle="JVM heap and direct buffers">
          <MemoryPanel sample={s} />
        </Card>
      </div>

      <div class="grid-1-1">
        <Card title="Connections" subtitle="Open WebSocket connections on this node">
          <TimeChart testId="chart-connections" samples={live.samples} series={CONNECTION_SERIES} height={180} format={compact} />
        </Card>
        <Card title="Heap over time" subtitle="Used heap and direct buffer memory">
          <TimeChart samples={live.samples} series={MEMORY_SERIES} height={180} format={(v) => bytes(v)} axisWidth={78} counts={false} />
        </Card>
      </div>

      <div class="grid-2-1">
        <NodesCard overview={overview} sample={s} />
        <ActivityCard entries={live.activity} />
      </div>
    </div>
  );
}

function MemoryPanel({ sample }) {
  if (!sample) return <div class="muted">Waiting for the first sample…</div>;
  const used = sample.heapUsedBytes;
  const max = sample.heapMaxBytes;
  const pct = max > 0 ? Math.round((used / max) * 100) : 0;
  return (
    <div class="memory">
      <div class="donut" style={{ "--pct": pct }} data-testid="heap-percent">
        <div class="donut-hole">
          <span class="donut-num">{pct}%</span>
          <span class="donut-label">heap</span>
        </div>
      </div>
      <dl class="kv">
        <dt>Heap used</dt>
        <dd class="num">{bytes(used)}</dd>
        <dt>Heap max</dt>
        <dd class="num">{bytes(max)}</dd>
        <dt>Direct buffers</dt>
        <dd class="num">{bytes(sample.directUsedBytes)}</dd>
        <dt>Netty pooled</dt>
        <dd class="num">{bytes(sample.nettyUsedBytes)}</dd>
        <dt>Outbound queues</dt>
        <dd class="num">{bytes(sample.outboundQueuedBytes)}</dd>
      </dl>
    </div>
  );
}

function NodesCard({ overview, sample }) {
  const nodes = overview?.nodes ?? [];
  return (
    <Card
      title="Nodes"
      subtitle={overview ? `Backplane: ${overview.node.backplane === "redis" ? "Redis cluster" : "standalone (in memory)"}` : null}
      pad={false}
    >
      {nodes.length === 0 ? (
        <Empty icon={Server} title="No node data yet" />
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="nodes">
            <thead>
              <tr>
                <th>Node</th>
                <th class="r">Connections</th>
                <th class="r">In /s</th>
                <th class="r">Out /s</th>
                <th class="r">Heap</th>
                <th class="r">Uptime</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => {
                const self = n.self;
                const conns = self && sample ? sample.connections : n.connections;
                return (
                  <tr key={n.id}>
                    <td>
                      <div class="node-cell">
                        <span class={`node-dot${n.lastSeenAt && Date.now() - n.lastSeenAt > 10_000 ? " stale" : ""}`} />
                        <code title={n.id}>{n.id.slice(0, 8)}</code> {self && <Badge tone="indigo">this node</Badge>}
                      </div>
                      <div class="node-sub">{n.version ? `v${n.version}` : "not reporting"}</div>
                    </td>
                    <td class="r num">{count(conns)}</td>
                    <td class="r num">{rate(self && sample ? sample.receivedPerSecond : n.receivedPerSecond)}</td>
                    <td class="r num">{rate(self && sample ? sample.deliveredPerSecond : n.deliveredPerSecond)}</td>
                    <td class="r num">{bytes(self && sample ? sample.heapUsedBytes : n.heapUsedBytes)}</td>
                    <td class="r num">{duration(n.uptimeSeconds)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function ActivityCard({ entries }) {
  return (
    <Card title="Admin activity" subtitle="Reloads, kicks and tokens (also in the audit log)" pad={false}>
      {entries.length === 0 ? (
        <Empty title="Nothing yet">Admin actions appear here as they happen.</Empty>
      ) : (
        <ul class="activity" data-testid="activity">
          {entries.slice(0, 8).map((e, i) => (
            <li key={`${e.t}-${i}`}>
              <span class={`activity-dot ${e.outcome === "refused" || e.outcome === "failed" ? "bad" : ""}`} />
              <div>
                <div class="activity-line">
                  <strong>{e.action}</strong> {e.target && <code>{e.target}</code>}
                </div>
                <div class="activity-meta">
                  {clock(e.t)} · {e.user}
                  {e.detail ? ` · ${e.detail}` : ""}
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div class="card-foot">
        <a href={href("config")}>Configuration and reloads →</a>
      </div>
    </Card>
  );
}
