import { useState } from "preact/hooks";
import { Lock } from "lucide-preact";
import { api } from "../api.js";
import { Button, ErrorNote } from "../ui.jsx";

export function Login({ onLogin }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api.login(username, password);
      onLogin(session.username);
    } catch (err) {
      setError(err.status === 401 ? new Error("Wrong username or password.") : err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="login-page">
      <div class="login-art" aria-hidden="true">
        <div class="login-art-inner">
          <img src="assets/favicon.svg" alt="" width="44" height="44" />
          <h2>rms</h2>
          <p>Self-hosted realtime messaging. Watch connections, channels and traffic as they happen.</p>
          <ul>
            <li>Live connections and messages per second</li>
            <li>Apps against their limits</li>
            <li>Channels, members and peers</li>
            <li>Tokens, kicks and configuration reloads</li>
          </ul>
        </div>
      </div>
      <div class="login-form-wrap">
        <form class="login-form" onSubmit={submit} autocomplete="on">
          <div class="login-lock">
            <Lock size={18} />
          </div>
          <h1>Sign in to the admin</h1>
          <p class="muted">Use the credentials from the <code>admin</code> section of the server's configuration.</p>
          <label class="field">
            <span>Username</span>
            <input
              name="username"
              autocomplete="username"
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
              required
              autofocus
            />
          </label>
          <label class="field">
            <span>Password</span>
            <input
              name="password"
              type="password"
              autocomplete="current-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              required
            />
          </label>
          <ErrorNote error={error} />
          <Button kind="primary" type="submit" loading={busy} class="btn btn-primary btn-block" data-testid="login">
            Sign in
          </Button>
        </form>
      </div>
    </div>
  );
}
