// The shell: a sidebar with the sections, a top bar with the node and the live state.
import { useState } from "preact/hooks";
import { Boxes, FileCog, Hash, KeyRound, LayoutDashboard, LogOut, Menu, Users, X } from "lucide-preact";
import { href } from "./router.js";

const NAV = [
  { page: "overview", label: "Overview", icon: LayoutDashboard },
  { page: "apps", label: "Apps", icon: Boxes },
  { page: "channels", label: "Channels", icon: Hash },
  { page: "connections", label: "Connections", icon: Users },
  { page: "tokens", label: "Tokens", icon: KeyRound },
  { page: "config", label: "Configuration", icon: FileCog },
];

export function Shell({ route, user, node, connection, onLogout, children }) {
  const [open, setOpen] = useState(false);
  const current = NAV.find((n) => n.page === route.page) ?? NAV[0];
  return (
    <div class={`shell${open ? " nav-open" : ""}`}>
      <aside class="sidebar">
        <div class="brand">
          <img src="assets/favicon.svg" alt="" width="28" height="28" />
          <div>
            <div class="brand-name">rms</div>
            <div class="brand-sub">realtime messaging</div>
          </div>
          <button class="icon-btn nav-close" aria-label="Close menu" onClick={() => setOpen(false)}>
            <X size={18} />
          </button>
        </div>
        <nav class="nav" aria-label="Sections">
          {NAV.map(({ page, label, icon: Icon }) => (
            <a
              key={page}
              href={href(page)}
              class={`nav-item${page === current.page ? " active" : ""}`}
              aria-current={page === current.page ? "page" : undefined}
              onClick={() => setOpen(false)}
              data-nav={page}
            >
              <Icon size={17} strokeWidth={2} />
              <span>{label}</span>
            </a>
          ))}
        </nav>
        <div class="sidebar-foot">
          {node && (
            <div class="node-chip" title={node.id}>
              <span class="muted">node</span> <code>{node.id.slice(0, 8)}</code>
              <span class="muted"> · v{node.version}</span>
            </div>
          )}
        </div>
      </aside>
      <div class="main">
        <header class="topbar">
          <button class="icon-btn nav-toggle" aria-label="Open menu" onClick={() => setOpen(true)}>
            <Menu size={20} />
          </button>
          <h1 class="page-title">{current.label}</h1>
          <div class="topbar-right">
            <LiveState state={connection} />
            <div class="user">
              <span class="avatar">{(user ?? "?").slice(0, 1).toUpperCase()}</span>
              <span class="user-name">{user}</span>
            </div>
            <button class="btn btn-ghost btn-sm" onClick={onLogout} data-testid="logout">
              <LogOut size={15} /> <span class="hide-sm">Sign out</span>
            </button>
          </div>
        </header>
        <main class="content">{children}</main>
      </div>
      <div class="scrim" onClick={() => setOpen(false)} />
    </div>
  );
}

function LiveState({ state }) {
  const label = state === "live" ? "Live" : state === "connecting" ? "Connecting" : "Reconnecting";
  return (
    <span class={`live live-${state === "live" ? "on" : "off"}`} data-testid="live-state">
      <span class="dot" /> {label}
    </span>
  );
}
