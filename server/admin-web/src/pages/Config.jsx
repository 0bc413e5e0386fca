import { useState } from "preact/hooks";
import { RefreshCw } from "lucide-preact";
import { api } from "../api.js";
import { useFetch } from "../fetch.js";
import { dateTime } from "../format.js";
import { useLive } from "../live.js";
import { Badge, Button, Card, Confirm, ErrorNote, Json, Spinner, toast } from "../ui.jsx";

export function Config() {
  const { data: config, error, reload: refresh } = useFetch(() => api.config(), []);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [last, setLast] = useState(null);
  const live = useLive();

  async function reload() {
    setBusy(true);
    try {
      const r = await api.reload();
      setLast(r);
      toast(r.applied ? `Configuration reloaded: ${r.summary}` : `Reload refused: ${r.error}`, r.applied ? "ok" : "error");
      setConfirming(false);
      refresh();
    } catch (e) {
      toast(e.message, "error");
    } finally {
      setBusy(false);
    }
  }

  const reloads = live.activity.filter((a) => a.action === "config.reload");
  return (
    <div class="page">
      <div class="grid-2-1 align-start">
        <Card
          title="Effective configuration"
          subtitle={config ? `${config.file ?? "no file (dev mode)"} · loaded ${dateTime(config.loadedAt)} · secrets masked` : null}
          actions={
            <Button kind="primary" icon={RefreshCw} onClick={() => setConfirming(true)} disabled={config && !config.reloadable} data-testid="reload">
              Reload from file
            </Button>
          }
        >
          <ErrorNote error={error} />
          {!config && !error && <Spinner />}
          {config && <Json value={config.config} class="json-config" />}
        </Card>
        <div class="stack">
          <Card title="Reloading" subtitle="What a reload does">
            <ul class="bullets">
              <li>Reads the file given to <code>--config</code> again, validated as at start. An invalid file changes nothing.</li>
              <li>Apps and keys are added or removed, secrets rotated, limits changed.</li>
              <li>A disabled or removed app's sessions close with <code>4012</code>; sessions on a removed key or a rotated secret with <code>4001</code>.</li>
              <li>Listener and cluster settings wait for a restart.</li>
              <li>Same as <code>kill -HUP &lt;pid&gt;</code> on the server process.</li>
            </ul>
          </Card>
          <Card title="Last reloads" pad={false}>
            {last && (
              <div class={`note ${last.applied ? "note-ok" : "note-error"}`} data-testid="reload-result">
                {last.applied ? <Badge tone="green">applied</Badge> : <Badge tone="red">refused</Badge>}
                <span>{last.applied ? last.summary : last.error}</span>
              </div>
            )}
            {reloads.length === 0 && !last ? (
              <div class="muted pad">No reloads since this page opened.</div>
            ) : (
              <ul class="activity">
                {reloads.slice(0, 6).map((e, i) => (
                  <li key={i}>
                    <span class={`activity-dot ${e.outcome === "refused" ? "bad" : ""}`} />
                    <div>
                      <div class="activity-line">
                        <strong>{e.outcome}</strong> <span class="muted">by {e.user}</span>
                      </div>
                      <div class="activity-meta">{dateTime(e.t)} · {e.detail}</div>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
      {confirming && (
        <Confirm title="Reload the configuration?" confirmLabel="Reload" tone="primary" busy={busy} onConfirm={reload} onCancel={() => setConfirming(false)}>
          <p>
            The server reads <code>{config?.file}</code> again. Sessions of apps that are now disabled or removed are closed
            with 4012, sessions on removed keys or rotated secrets with 4001.
          </p>
        </Confirm>
      )}
    </div>
  );
}

