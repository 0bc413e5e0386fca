import { Hash, Users, X } from "lucide-preact";
import { api } from "../api.js";
import { useFetch } from "../fetch.js";
import { count } from "../format.js";
import { href, navigate } from "../router.js";
import { Badge, Card, Empty, ErrorNote, Json, Spinner } from "../ui.jsx";
import { useApps } from "./AppPicker.jsx";
import { Toolbar } from "./Toolbar.jsx";

export function Channels({ params }) {
  const apps = useApps();
  const app = params.app || apps?.[0]?.id;
  const { data: list, error, reload } = useFetch(
    () => (app ? api.channels(app, params.q ?? "") : Promise.resolve(null)),
    [app, params.q],
  );

  const selected = params.channel;
  return (
    <div class="page">
      <Toolbar
        apps={apps}
        app={app}
        onApp={(a) => navigate("channels", { app: a })}
        query={params.q}
        placeholder="Filter channels by name"
        searchTestId="channel-filter"
        onSearch={(q) => navigate("channels", { app, q })}
        onRefresh={reload}
      />
      <div class={`split${selected ? " with-detail" : ""}`}>
        <Card
          title="Channels"
          subtitle={list ? `${count(list.total)} channel${list.total === 1 ? "" : "s"} with subscribers on this node` : null}
          pad={false}
        >
          <ErrorNote error={error} />
          {!list && !error && <Spinner />}
          {list && list.channels.length === 0 && (
            <Empty icon={Hash} title="No channels">Channels appear while someone is subscribed to them.</Empty>
          )}
          {list && list.channels.length > 0 && (
            <div class="table-wrap">
              <table class="table table-click" data-testid="channels">
                <thead>
                  <tr>
                    <th>Channel</th>
                    <th class="r">Subscribers</th>
                    <th class="r">Peers</th>
                  </tr>
                </thead>
                <tbody>
                  {list.channels.map((c) => (
                    <tr
                      key={c.name}
                      class={c.name === selected ? "selected" : ""}
                      data-channel={c.name}
                      onClick={() => navigate("channels", { app, q: params.q, channel: c.name })}
                    >
                      <td>
                        <span class="chan">
                          <Hash size={14} /> {c.name}
                        </span>
                      </td>
                      <td class="r num">{count(c.subscribers)}</td>
                      <td class="r num">{count(c.peers)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        {selected && (
          <ChannelDetail app={app} name={selected} version={list} onClose={() => navigate("channels", { app, q: params.q })} />
        )}
      </div>
    </div>
  );
}

function ChannelDetail({ app, name, version, onClose }) {
  // `version` is the channel list: a refresh of the list refreshes the detail too.
  const { data: detail, error } = useFetch(() => api.channel(app, name), [app, name, version]);
  return (
    <Card
      class="detail"
      title={
        <span class="chan">
          <Hash size={16} /> {name}
        </span>
      }
      subtitle={detail ? `${count(detail.members.length)} present · ${count(detail.subscribers.length)} subscriptions here` : null}
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
          <h3 class="section-title">Members (presence, whole cluster)</h3>
          {detail.members.length === 0 ? (
            <p class="muted">No one with presence on this channel.</p>
          ) : (
            <ul class="members" data-testid="members">
              {detail.members.map((m) => (
                <li key={m.peerId} data-peer={m.peerId}>
                  <div class="member-head">
                    <span class="avatar avatar-sm">{m.peerId.slice(0, 1).toUpperCase()}</span>
                    <a href={href("connections", { app, peer: m.peerId })}>
                      <code>{m.peerId}</code>
                    </a>
                  </div>
                  {m.metadata !== null && m.metadata !== undefined && <Json value={m.metadata} class="json-sm" />}
                </li>
              ))}
            </ul>
          )}
          <h3 class="section-title">Subscriptions on this node</h3>
          {detail.subscribers.length === 0 ? (
            <p class="muted">None on this node.</p>
          ) : (
            <table class="table table-compact">
              <thead>
                <tr>
                  <th>Peer</th>
                  <th class="r">Connection</th>
                  <th>Presence</th>
                </tr>
              </thead>
              <tbody>
                {detail.subscribers.map((s) => (
                  <tr key={s.connectionId}>
                    <td>
                      <a href={href("connections", { app, peer: s.peerId })}>
                        <code>{s.peerId}</code>
                      </a>
                    </td>
                    <td class="r num">#{s.connectionId}</td>
                    <td>{s.presence ? <Badge tone="green">yes</Badge> : <Badge>watcher</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div class="card-links">
            <a href={href("connections", { app })}>
              <Users size={14} /> All connections of {app}
            </a>
          </div>
        </>
      )}
    </Card>
  );
}
