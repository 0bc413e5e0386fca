// Loading a view's data: the latest answer, its error, and a way to load again.
import { useEffect, useState } from "preact/hooks";

/**
 * Calls `load()` whenever `deps` change (and on `reload()`); an answer that arrives after a
 * newer call started is dropped, so a slow response never overwrites a fresh one.
 */
export function useFetch(load, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    load()
      .then((data) => current && setState({ data, error: null }))
      .catch((error) => current && setState((s) => ({ data: s.data, error })));
    return () => {
      current = false;
    };
  }, [...deps, version]);
  return { ...state, reload: () => setVersion((v) => v + 1) };
}
