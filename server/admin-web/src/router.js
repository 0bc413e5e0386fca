// Hash routes (#/channels?app=demo): the page itself is always /admin/, so a reload or a shared
// link lands on the same view, and the server needs no route table.
import { useEffect, useState } from "preact/hooks";

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?");
  return { page: path || "overview", params: Object.fromEntries(new URLSearchParams(query)) };
}

export function href(page, params = {}) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  const qs = q.toString();
  return `#/${page}${qs ? `?${qs}` : ""}`;
}

export function navigate(page, params) {
  location.hash = href(page, params);
}

export function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}
