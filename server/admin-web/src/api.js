// The admin API (docs/operations.md "Admin API"): JSON under /admin/api/, authenticated by the
// session cookie set at login. Every request carries X-Rms-Admin: actions need it (a cross-site
// form cannot send it; the cookie is SameSite=Strict too), and with it a 401 comes without a
// Basic challenge, so the browser never opens its own password prompt over the page.

// Relative to the page (always /admin/: the pages are hash routes), so a reverse proxy may
// mount the dashboard under a path prefix.
const BASE = new URL("api/", document.baseURI).pathname;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

let onUnauthorized = () => {};
/** Called when any request answers 401 (the session ended): the app shows the login page. */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

async function request(method, path, body) {
  const headers = { Accept: "application/json", "X-Rms-Admin": "1" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(BASE + path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    if (res.status === 401 && path !== "login") onUnauthorized();
    throw new ApiError(res.status, json?.error, json?.message);
  }
  return json;
}

export const api = {
  session: () => request("GET", "session"),
  login: (username, password) => request("POST", "login", { username, password }),
  logout: () => request("POST", "logout"),
  overview: () => request("GET", "overview"),
  apps: () => request("GET", "apps"),
  channels: (app, q = "") => request("GET", `apps/${enc(app)}/channels?limit=500${q ? `&q=${enc(q)}` : ""}`),
  channel: (app, name) => request("GET", `apps/${enc(app)}/channels/${enc(name)}`),
  connections: (app, q = "") =>
    request("GET", `connections?limit=500${app ? `&app=${enc(app)}` : ""}${q ? `&q=${enc(q)}` : ""}`),
  peer: (app, peerId) => request("GET", `apps/${enc(app)}/peers/${enc(peerId)}`),
  kick: (app, peerId, reason) => request("POST", `apps/${enc(app)}/peers/${enc(peerId)}/kick`, { reason }),
  mintToken: (app, body) => request("POST", `apps/${enc(app)}/tokens`, body),
  config: () => request("GET", "config"),
  reload: () => request("POST", "config/reload"),
  activity: () => request("GET", "activity"),
};

function enc(s) {
  return encodeURIComponent(s);
}

/**
 * The live feed (Server-Sent Events): `sample` every second, `activity` when an admin action or a
 * reload happens. EventSource reconnects by itself; `onState` hears "live" / "reconnecting".
 */
export function subscribeEvents({ onSample, onActivity, onState }) {
  const source = new EventSource(BASE + "events", { withCredentials: true });
  source.addEventListener("open", () => onState?.("live"));
  source.addEventListener("error", () => onState?.(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting"));
  source.addEventListener("sample", (e) => onSample?.(JSON.parse(e.data)));
  source.addEventListener("activity", (e) => onActivity?.(JSON.parse(e.data)));
  return () => source.close();
}
