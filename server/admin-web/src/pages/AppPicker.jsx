import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";

/** The app selector shared by the channel, connection and token pages; remembers the choice in the URL. */
export function useApps() {
  const [apps, setApps] = useState(null);
  useEffect(() => {
    api.apps().then((a) => setApps(a.apps)).catch(() => setApps([]));
  }, []);
  return apps;
}

export function AppPicker({ apps, value, onChange, allowAll = false }) {
  return (
    <label class="inline-field">
      <span>App</span>
      <select value={value ?? ""} onChange={(e) => onChange(e.currentTarget.value)} data-testid="app-picker">
        {allowAll && <option value="">All apps</option>}
        {(apps ?? []).map((a) => (
          <option key={a.id} value={a.id}>
            {a.id}
            {a.enabled ? "" : " (disabled)"}
          </option>
        ))}
      </select>
    </label>
  );
}
