// The rms admin dashboard: a login page, then the sections of layout.jsx fed by the admin API
// and its live event stream.
import "./styles.css";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, setUnauthorizedHandler } from "./api.js";
import { Shell } from "./layout.jsx";
import { LiveContext, useLiveFeed } from "./live.js";
import { Apps } from "./pages/Apps.jsx";
import { Channels } from "./pages/Channels.jsx";
import { Config } from "./pages/Config.jsx";
import { Connections } from "./pages/Connections.jsx";
import { Login } from "./pages/Login.jsx";
import { Overview } from "./pages/Overview.jsx";
import { Tokens } from "./pages/Tokens.jsx";
import { useRoute } from "./router.js";
import { Spinner, Toasts } from "./ui.jsx";

const PAGES = { overview: Overview, apps: Apps, channels: Channels, connections: Connections, tokens: Tokens, config: Config };

function App() {
  const [user, setUser] = useState(undefined); // undefined: checking, null: signed out
  useEffect(() => {
    setUnauthorizedHandler(() => setUser(null));
    api.session().then((s) => setUser(s.username)).catch(() => setUser(null));
  }, []);
  if (user === undefined) return <Spinner label="Loading" />;
  if (user === null) return <Login onLogin={setUser} />;
  return (
    <Dashboard
      user={user}
      onLogout={async () => {
        await api.logout().catch(() => {});
        setUser(null);
      }}
    />
  );
}

function Dashboard({ user, onLogout }) {
  const route = useRoute();
  const live = useLiveFeed();
  const Page = PAGES[route.page] ?? Overview;
  return (
    <LiveContext.Provider value={live}>
      <Shell route={route} user={user} node={live.overview?.node} connection={live.connection} onLogout={onLogout}>
        <Page params={route.params} />
      </Shell>
    </LiveContext.Provider>
  );
}

render(
  <>
    <App />
    <Toasts />
  </>,
  document.getElementById("app"),
);
