// Small building blocks shared by the pages.
import { useEffect, useState } from "preact/hooks";
import { Check, CircleAlert, CircleCheck, Copy, X } from "lucide-preact";

export function Card({ title, subtitle, actions, children, class: cls = "", pad = true, ...rest }) {
  return (
    <section class={`card ${cls}`} {...rest}>
      {(title || actions) && (
        <header class="card-head">
          <div>
            {title && <h2 class="card-title">{title}</h2>}
            {subtitle && <p class="card-sub">{subtitle}</p>}
          </div>
          {actions && <div class="card-actions">{actions}</div>}
        </header>
      )}
      <div class={pad ? "card-body" : "card-body flush"}>{children}</div>
    </section>
  );
}

export function Stat({ label, value, unit, hint, icon: Icon, tone = "indigo", testId }) {
  return (
    <div class={`stat tone-${tone}`} data-testid={testId}>
      <div class="stat-top">
        <span class="stat-label">{label}</span>
        {Icon && (
          <span class="stat-icon">
            <Icon size={16} strokeWidth={2} />
          </span>
        )}
      </div>
      <div class="stat-value">
        <span class="num" data-value>{value}</span>
        {unit && <span class="stat-unit">{unit}</span>}
      </div>
      {hint && <div class="stat-hint">{hint}</div>}
    </div>
  );
}

export function Badge({ tone = "gray", children, ...rest }) {
  return (
    <span class={`badge badge-${tone}`} {...rest}>
      {children}
    </span>
  );
}

/** A usage bar: value against a limit (no limit: just the value). */
export function Usage({ value, limit, label, format = (n) => n }) {
  const pct = limit > 0 ? Math.min(100, (value / limit) * 100) : null;
  const tone = pct === null ? "muted" : pct >= 90 ? "red" : pct >= 70 ? "amber" : "green";
  return (
    <div class="usage">
      <div class="usage-head">
        <span class="usage-label">{label}</span>
        <span class="usage-nums num">
          <strong>{format(value)}</strong>
          <span class="muted"> / {limit > 0 ? format(limit) : "unlimited"}</span>
        </span>
      </div>
      <div class={`bar bar-${tone}`} role="progressbar" aria-valuenow={value} aria-valuemax={limit || undefined}>
        <span style={{ width: `${pct === null ? 0 : Math.max(pct, value > 0 ? 2 : 0)}%` }} />
      </div>
    </div>
  );
}

export function Button({ kind = "secondary", size, icon: Icon, children, loading, ...rest }) {
  return (
    <button class={`btn btn-${kind}${size ? ` btn-${size}` : ""}`} disabled={loading || rest.disabled} {...rest}>
      {loading ? <span class="spinner" /> : Icon && <Icon size={15} strokeWidth={2.2} />}
      {children && <span>{children}</span>}
    </button>
  );
}

export function Empty({ icon: Icon, title, children }) {
  return (
    <div class="empty">
      {Icon && (
        <div class="empty-icon">
          <Icon size={22} strokeWidth={1.8} />
        </div>
      )}
      <div class="empty-title">{title}</div>
      {children && <div class="empty-text">{children}</div>}
    </div>
  );
}

export function Spinner({ label = "Loading" }) {
  return (
    <div class="loading">
      <span class="spinner" /> {label}…
    </div>
  );
}

export function ErrorNote({ error }) {
  if (!error) return null;
  return (
    <div class="note note-error" role="alert">
      <CircleAlert size={16} /> <span>{error.message || String(error)}</span>
    </div>
  );
}

export function CopyButton({ text, label = "Copy" }) {
  const [done, setDone] = useState(false);
  return (
    <Button
      size="sm"
      icon={done ? Check : Copy}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
        } catch {
          /* clipboard unavailable over plain http: the text is selectable anyway */
        }
        setDone(true);
        setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? "Copied" : label}
    </Button>
  );
}

/** Pretty JSON with key/string/number colouring; `value` may be a JSON string or a value. */
export function Json({ value, class: cls = "" }) {
  let data = value;
  if (typeof value === "string") {
    try {
      data = JSON.parse(value);
    } catch {
      return <pre class={`json ${cls}`}>{value}</pre>;
    }
  }
  if (data === null || data === undefined) return <span class="muted">none</span>;
  return <pre class={`json ${cls}`}>{render(data, 0)}</pre>;
}

function render(v, depth) {
  const pad = "  ".repeat(depth);
  if (Array.isArray(v)) {
    if (!v.length) return "[]";
    return [
      "[\n",
      ...v.flatMap((x, i) => [pad + "  ", render(x, depth + 1), i < v.length - 1 ? ",\n" : "\n"]),
      pad + "]",
    ];
  }
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    if (!keys.length) return "{}";
    return [
      "{\n",
      ...keys.flatMap((k, i) => [
        pad + "  ",
        <span class="j-key">{JSON.stringify(k)}</span>,
        ": ",
        render(v[k], depth + 1),
        i < keys.length - 1 ? ",\n" : "\n",
      ]),
      pad + "}",
    ];
  }
  if (typeof v === "string") {
    return <span class={v === "********" ? "j-masked" : "j-str"}>{JSON.stringify(v)}</span>;
  }
  if (typeof v === "number") return <span class="j-num">{String(v)}</span>;
  return <span class="j-lit">{String(v)}</span>;
}

/** A modal confirmation; resolves via onConfirm / onCancel. */
export function Confirm({ title, children, confirmLabel = "Confirm", tone = "danger", onConfirm, onCancel, busy }) {
  useEffect(() => {
    const key = (e) => e.key === "Escape" && onCancel();
    addEventListener("keydown", key);
    return () => removeEventListener("keydown", key);
  }, [onCancel]);
  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && onCancel()}>
      <div class="modal" role="dialog" aria-modal="true" aria-label={title}>
        <div class="modal-head">
          <h3>{title}</h3>
          <button class="icon-btn" aria-label="Close" onClick={onCancel}>
            <X size={18} />
          </button>
        </div>
        <div class="modal-body">{children}</div>
        <div class="modal-foot">
          <Button onClick={onCancel}>Cancel</Button>
          <Button kind={tone} onClick={onConfirm} loading={busy} data-testid="confirm">
            {confirmLabel}
          </Button>
        </div>
      </div>
    </div>
  );
}

let pushToast = () => {};
/** Shows a short notice at the bottom right. */
export function toast(message, tone = "ok") {
  pushToast({ id: Math.random(), message, tone });
}

export function Toasts() {
  const [items, setItems] = useState([]);
  useEffect(() => {
    pushToast = (t) => {
      setItems((xs) => [...xs, t]);
      setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== t.id)), 5000);
    };
  }, []);
  return (
    <div class="toasts" aria-live="polite">
      {items.map((t) => (
        <div key={t.id} class={`toast toast-${t.tone}`}>
          {t.tone === "error" ? <CircleAlert size={16} /> : <CircleCheck size={16} />}
          <span>{t.message}</span>
        </div>
      ))}
    </div>
  );
}
