import { Boxes, Hash, KeyRound, Users } from "lucide-preact";
import { api } from "../api.js";
import { useFetch } from "../fetch.js";
import { bytes, compact, count, dateTime, duration } from "../format.js";
import { useLive } from "../live.js";
import { href } from "../router.js";
import { Badge, Card, Empty, ErrorNote, Spinner, Usage } from "../ui.jsx";

export function Apps() {
  const live = useLive();
  const tick = live.samples.length ? live.samples[live.samples.length - 1].t : 0;
  // Refreshed every ~5 s of live samples.
  const { data: apps, error } = useFetch(() => api.apps().then((a) => a.apps), [Math.floor(tick / 5000)]);

  if (error && !apps) return <ErrorNote error={error} />;
  if (!apps) return <Spinner />;
  if (!apps.length) return <Empty icon={Boxes} title="No apps configured" />;
  return (
    <div class="page">
      <div class="app-grid">
        {apps.map((app) => (
          <AppCard key={app.id} app={app} />
        ))}
      </div>
    </div>
  );
}

function AppCard({ app }) {
  const l = app.limits;
  return (
    <Card
      class="app-card"
      data-app={app.id}
      title={
        <span class="app-title">
          <span class="app-avatar">{app.id.slice(0, 2).toUpperCase()}</span>
          {app.id}
        </span>
      }
      actions={app.enabled ? <Badge tone="green">enabled</Badge> : <Badge tone="red">disabled</Badge>}
    >
      <div class="usages">
        <Usage
          label="Concurrent connections (cluster)"
          value={app.clusterConnections ?? app.connections}
          limit={l.maxConcurrentConnections}
          format={count}
        />
        <Usage
          label={`Messages this period${app.period ? ` (since ${dateTime(app.period.start)})` : ""}`}
          value={app.messagesThisPeriod ?? 0}
          limit={l.maxMessagesPerPeriod}
          format={compact}
        />
      </div>
      <div class="mini-stats">
        <div>
          <span class="mini-label">On this node</span>
          <span class="mini-value num" data-testid={`app-${app.id}-connections`}>{count(app.connections)}</span>
        </div>
        <div>
          <span class="mini-label">Channels</span>
          <span class="mini-value num">{count(app.channels)}</span>
        </div>
        <div>
          <span class="mini-label">Received</span>
          <span class="mini-value num" data-testid={`app-${app.id}-received`}>{count(app.received)}</span>
        </div>
        <div>
          <span class="mini-label">Delivered</span>
          <span class="mini-value num">{count(app.delivered)}</span>
        </div>
      </div>
      {app.webhooks?.length > 0 && <WebhooksTable app={app} />}
      <details class="limits">
        <summary>Limits and keys</summary>
        <dl class="kv kv-2">
          <dt>Message size</dt>
          <dd>{bytes(l.maxMessageSize)}</dd>
          <dt>Channels per connection</dt>
          <dd>{count(l.maxChannelsPerConnection)}</dd>
          <dt>Message rate</dt>
          <dd>
            {count(l.messageRate)}/s, burst {count(l.messageBurst)}
          </dd>
          <dt>Token lifetime</dt>
          <dd>{duration(l.maxTokenLifetimeSeconds)}</dd>
        </dl>
        <div class="keys">
          {app.publishableKeys.map((k) => (
            <div class="key-row" key={k.key}>
              <Badge tone="sky">publishable</Badge> <code>{k.key}</code>
              <span class="muted"> {k.channels.join(" ")} · {k.actions.join(", ")}</span>
            </div>
          ))}
          {app.secretKeys.map((k) => (
            <div class="key-row" key={k.id}>
              <Badge tone="amber">secret</Badge> <code>{k.id}</code>
              <span class="muted"> {k.channels.join(" ")} · {k.actions.join(", ")}</span>
            </div>
          ))}
          {!app.publishableKeys.length && !app.secretKeys.length && <span class="muted">No keys.</span>}
        </div>
      </details>
      <div class="card-links">
        <a href={href("channels", { app: app.id })}>
          <Hash size={14} /> Channels
        </a>
        <a href={href("connections", { app: app.id })}>
          <Users size={14} /> Connections
        </a>
        <a href={href("tokens", { app: app.id })}>
          <KeyRound size={14} /> Mint a token
        </a>
      </div>
    </Card>
  );
}

/** This node's webhook endpoints of the app (docs/webhooks.md "Watching it"). */
function WebhooksTable({ app }) {
  return (
    <div class="webhooks" data-testid={`app-${app.id}-webhooks`}>
      {app.webhooks.map((w) => {
        const lost = w.givenUp + w.overflowed;
        return (
          <div class="webhook" key={w.endpoint} data-endpoint={w.endpoint}>
            <div class="key-row">
              <Badge tone="indigo">webhook</Badge> <code>{w.endpoint}</code>
              {w.lastProblem && <span class="muted"> last failure: {w.lastProblem}</span>}
            </div>
            <div class="mini-stats">
              <div>
                <span class="mini-label">Delivered (this node)</span>
                <span class="mini-value num" data-field="delivered">{count(w.delivered)}</span>
              </div>
              <div>
                <span class="mini-label">Failed POSTs</span>
                <span class="mini-value num" data-field="failures">{count(w.failures)}</span>
              </div>
              <div title={`given up ${count(w.givenUp)} · overflowed ${count(w.overflowed)}`}>
                <span class="mini-label">Lost events</span>
                <span class={`mini-value num${lost > 0 ? " bad" : ""}`} data-field="lost">{count(lost)}</span>
              </div>
              <div>
                <span class="mini-label">Queue</span>
                <span class="mini-value num" data-field="queueDepth">{count(w.queueDepth)}</span>
              </div>
            </div>
          </div>
        );
      })}
    </div>
  );
}
