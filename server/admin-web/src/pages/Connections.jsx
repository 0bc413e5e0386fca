import { useState } from "preact/hooks";
import { Plug, UserX, Users, X } from "lucide-preact";
import { api } from "../api.js";
import { useFetch } from "../fetch.js";
import { ago, bytes, count, dateTime } from "../format.js";
import { href, navigate } from "../router.js";
import { Badge, Button, Card, Confirm, Empty, ErrorNote, Spinner, toast } from "../ui.jsx";
import { useApps } from "./AppPicker.jsx";
import { Toolbar } from "./Toolbar.jsx";

export function Connections({ params }) {
  const apps = useApps();
  const app = params.app ?? "";
  const { data: list, error, reload } = useFetch(() => api.connections(app, params.q ?? ""), [app, params.q]);

  const peer = params.peer;
  return (
    <div class="page">
      <Toolbar
        apps={apps}
        app={app}
        allowAll
        onApp={(a) => navigate("connections", { app: a })}
        query={params.q}
        placeholder="Find a peer id"
        searchTestId="peer-search"
        onSearch={(q) => navigate("connections", { app, q })}
        onRefresh={reload}
      />
      <div class={`split${peer ? " with-detail" : ""}`}>
        <Card
          title="Connections on this node"
          subtitle={list ? `${count(list.total)} open${list.total > list.connections.length ? `, showing ${list.connections.length}` : ""}` : null}
          pad={false}
        >
          <ErrorNote error={error} />
          {!list && !error && <Spinner />}
          {list && list.connections.length === 0 && (
            <Empty icon={Users} title="No connections">Nobody matching is connected to this node.</Empty>
          )}
          {list && list.connections.length > 0 && (
            <div class="table-wrap">
              <table class="table table-click" data-testid="connections">
                <thead>
                  <tr>
                    <th>Peer</th>
                    <th>App</th>
                    <th class="hide-sm">Address</th>
                    <th class="r">Channels</th>
                    <th class="r hide-sm">Queued</th>
                    <th class="r">Connected</th>
                  </tr>
                </thead>
                <tbody>
                  {list.connections.map((c) => (
                    <tr
                      key={c.id}
                      data-peer={c.peerId}
                      class={c.peerId === peer && c.app === (params.peerApp ?? app) ? "selected" : ""}
                      onClick={() => navigate("connections", { app, q: params.q, peer: c.peerId, peerApp: c.app })}
                    >
                      <td>
                        <code>{c.peerId}</code>
                      </td>
                      <td>{c.app}</td>
                      <td class="hide-sm muted">{c.remoteAddress}</td>
                      <td class="r num">{count(c.channels)}</td>
                      <td class="r num hide-sm">{bytes(c.queuedBytes)}</td>
                      <td class="r muted">{ago(c.connectedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        {peer && (
          <PeerDetail
            app={params.peerApp || app || apps?.[0]?.id}
            peerId={peer}
            onClose={() => navigate("connections", { app, q: params.q })}
            onKicked={reload}
          />
        )}
      </div>
    </div>
  );
}

function PeerDetail({ app, peerId, onClose, onKicked }) {
  const { data: detail, error, reload } = useFetch(() => (app ? api.peer(app, peerId) : Promise.resolve(null)), [app, peerId]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  async function kick() {
    setBusy(true);
    try {
      await api.kick(app, peerId, "disconnected from the admin dashboard");
      toast(`Disconnected ${peerId} (close 4020)`);
      setConfirming(false);
      reload();
      onKicked();
    } catch (e) {
      toast(e.message, "error");
    } finally {
      setBusy(false);
    }
  }

  const conns = detail?.connections ?? [];
  return (
    <Card
      class="detail"
      data-testid="peer-detail"
      title={
        <span class="peer-title">
          <span class="avatar">{peerId.slice(0, 1).toUpperCase()}</span>
          <code>{peerId}</code>
        </span>
      }
      subtitle={detail ? `${app} · ${count(detail.clusterConnections ?? conns.length)} connection(s) in the cluster, ${conns.length} here` : app}
      actions={
        <button class="icon-btn" aria-label="Close" onClick={onClose}>
          <X size={18} />
        </button>
      }
    >
      <ErrorNote error={error} />
      {!detail && !error && <Spinner />}
      {detail && (
        <>
          <div class="kick-bar">
            <div>
              <div class="kick-title">Disconnect this peer</div>
              <div class="muted">Closes every connection of the peer on every node with 4020 (admin disconnect).</div>
            </div>
            <Button kind="danger" icon={UserX} onClick={() => setConfirming(true)} data-testid="kick">
              Kick
            </Button>
          </div>
          {conns.length === 0 ? (
            <Empty icon={Plug} title="Not connected to this node" />
          ) : (
            <div class="conn-list">
              {conns.map((c) => (
                <div class="conn" key={c.id} data-connection={c.id}>
                  <div class="conn-head">
                    <span class="num">#{c.id}</span>
                    <Badge tone={c.credential?.startsWith("pk_") ? "sky" : "amber"}>{c.credential}</Badge>
                    <span class="muted">{c.remoteAddress}</span>
                  </div>
                  <dl class="kv kv-2">
                    <dt>Connected</dt>
                    <dd>{dateTime(c.connectedAt)}</dd>
                    <dt>Token expires</dt>
                    <dd>{c.expiresAt ? dateTime(c.expiresAt) : "never (publishable key)"}</dd>
                    <dt>Queued</dt>
                    <dd>{bytes(c.queuedBytes)}</dd>
                    <dt>Channels</dt>
                    <dd>
                      {c.channels.length === 0 && <span class="muted">none</span>}
                      {c.channels.map((ch) => (
                        <a class="chip" key={ch} href={href("channels", { app, channel: ch })}>
                          {ch}
                        </a>
                      ))}
                    </dd>
                  </dl>
                </div>
              ))}
            </div>
          )}
        </>
      )}
      {confirming && (
        <Confirm
          title={`Kick ${peerId}?`}
          confirmLabel="Kick peer"
          busy={busy}
          onConfirm={kick}
          onCancel={() => setConfirming(false)}
        >
          Every connection of <code>{peerId}</code> in <strong>{app}</strong> is closed with code 4020. The official SDKs
          do not reconnect after it.
        </Confirm>
      )}
    </Card>
  );
}
