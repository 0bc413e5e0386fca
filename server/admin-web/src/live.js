// One live feed for the whole app: the last five minutes of per-second samples (seeded from
// GET /overview, then appended from the SSE stream) and the recent admin activity.
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import { api, subscribeEvents } from "./api.js";

const HISTORY = 300;
export const LiveContext = createContext(null);

export function useLive() {
  return useContext(LiveContext);
}

export function useLiveFeed() {
  const [state, setState] = useState({ samples: [], overview: null, activity: [], connection: "connecting" });
  useEffect(() => {
    let closed = false;
    api.overview().then((overview) => {
      if (closed) return;
      setState((s) => ({
        ...s,
        overview,
        samples: mergeSamples(overview.history ?? [], s.samples),
      }));
    }).catch(() => {});
    api.activity().then((activity) => {
      if (!closed) setState((s) => ({ ...s, activity: activity.entries ?? [] }));
    }).catch(() => {});
    const close = subscribeEvents({
      onState: (connection) => setState((s) => ({ ...s, connection })),
      onSample: (sample) => setState((s) => ({ ...s, connection: "live", samples: mergeSamples(s.samples, [sample]) })),
      onActivity: (entry) => setState((s) => ({ ...s, activity: [entry, ...s.activity].slice(0, 100) })),
    });
    return () => {
      closed = true;
      close();
    };
  }, []);
  return state;
}

function mergeSamples(a, b) {
  const byTime = new Map();
  for (const s of a) byTime.set(s.t, s);
  for (const s of b) byTime.set(s.t, s);
  return [...byTime.values()].sort((x, y) => x.t - y.t).slice(-HISTORY);
}

export function latest(samples) {
  return samples.length ? samples[samples.length - 1] : null;
}
