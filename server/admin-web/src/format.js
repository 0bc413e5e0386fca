// Number, byte and time formatting shared by the pages.
const nf = new Intl.NumberFormat("en-US");
const nf1 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

export function count(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  return nf.format(Math.round(n));
}

export function rate(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  if (n >= 1000) return compact(n);
  return nf1.format(n);
}

export function compact(n) {
  if (n === null || n === undefined) return "–";
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${nf1.format(n / 1e9)}B`;
  if (abs >= 1e6) return `${nf1.format(n / 1e6)}M`;
  if (abs >= 1e4) return `${nf1.format(n / 1e3)}k`;
  return nf.format(Math.round(n));
}

export function bytes(n) {
  if (n === null || n === undefined || n < 0) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : nf1.format(v)} ${units[i]}`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function ago(epochMs, now = Date.now()) {
  if (!epochMs) return "–";
  const s = Math.max(0, (now - epochMs) / 1000);
  if (s < 5) return "just now";
  return `${duration(s)} ago`;
}

export function clock(epochMs) {
  if (!epochMs) return "–";
  return new Date(epochMs).toLocaleTimeString("en-GB", { hour12: false });
}

export function dateTime(epochMs) {
  if (!epochMs) return "–";
  const d = new Date(epochMs);
  return `${d.toLocaleDateString("en-CA")} ${d.toLocaleTimeString("en-GB", { hour12: false })}`;
}

export function percent(part, whole) {
  if (!whole || whole <= 0 || part === null || part === undefined) return null;
  return Math.min(100, (part / whole) * 100);
}
