import { useEffect, useState } from "preact/hooks";
import { KeyRound } from "lucide-preact";
import { api } from "../api.js";
import { dateTime } from "../format.js";
import { navigate } from "../router.js";
import { Button, Card, CopyButton, Empty, ErrorNote, Json, toast } from "../ui.jsx";
import { AppPicker, useApps } from "./AppPicker.jsx";

const ACTIONS = ["subscribe", "publish", "presence", "send"];
const LIFETIMES = [
  ["900", "15 minutes"],
  ["3600", "1 hour"],
  ["28800", "8 hours"],
  ["86400", "24 hours"],
];

export function Tokens({ params }) {
  const apps = useApps();
  const appId = params.app || apps?.find((a) => a.secretKeys.length)?.id || apps?.[0]?.id;
  const app = apps?.find((a) => a.id === appId);
  const [keyId, setKeyId] = useState("");
  const [peerId, setPeerId] = useState("");
  const [ttl, setTtl] = useState("3600");
  const [channels, setChannels] = useState("");
  const [actions, setActions] = useState(null);
  const [peerMetadata, setPeerMetadata] = useState("");
  const [metadata, setMetadata] = useState("");
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const key = app?.secretKeys.find((k) => k.id === keyId) ?? app?.secretKeys[0];
  useEffect(() => {
    setKeyId(app?.secretKeys[0]?.id ?? "");
    setResult(null);
    setActions(null);
  }, [appId, apps]);
  const chosen = actions ?? key?.actions ?? [];

  async function submit(e) {
    e.preventDefault();
    setError(null);
    let pm;
    let md;
    try {
      pm = peerMetadata.trim() ? JSON.parse(peerMetadata) : undefined;
      md = metadata.trim() ? JSON.parse(metadata) : undefined;
    } catch (err) {
      setError(new Error(`Metadata must be a JSON object: ${err.message}`));
      return;
    }
    setBusy(true);
    try {
      const body = {
        keyId: key.id,
        peerId,
        expiresInSec: Number(ttl),
        channels: channels.trim() ? channels.split(/[\s,]+/).filter(Boolean) : undefined,
        permissions: actions ? chosen : undefined,
        peerMetadata: pm,
        metadata: md,
      };
      const r = await api.mintToken(app.id, body);
      setResult(r);
      toast(`Token minted for ${peerId}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (apps && !apps.some((a) => a.secretKeys.length)) {
    return <Empty icon={KeyRound} title="No secret keys">Tokens are signed with an app's secret key; none is configured.</Empty>;
  }
  return (
    <div class="page">
      <div class="grid-1-1 align-start">
        <Card title="Mint a token" subtitle="A JWT signed with the app's secret key, for a client to connect as a peer">
          <form class="form" onSubmit={submit} data-testid="token-form">
            <div class="form-row">
              <AppPicker apps={apps?.filter((a) => a.secretKeys.length)} value={appId} onChange={(a) => navigate("tokens", { app: a })} />
              <label class="inline-field">
                <span>Secret key</span>
                <select value={key?.id ?? ""} onChange={(e) => setKeyId(e.currentTarget.value)} data-testid="key-picker">
                  {(app?.secretKeys ?? []).map((k) => (
                    <option key={k.id} value={k.id}>
                      {k.id}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <label class="field">
              <span>Peer id</span>
              <input value={peerId} onInput={(e) => setPeerId(e.currentTarget.value)} placeholder="alice" required name="peerId" />
            </label>
            <div class="form-row">
              <label class="field">
                <span>Lifetime</span>
                <select value={ttl} onChange={(e) => setTtl(e.currentTarget.value)}>
                  {LIFETIMES.map(([v, l]) => (
                    <option key={v} value={v}>
                      {l}
                    </option>
                  ))}
                </select>
              </label>
              <label class="field grow">
                <span>Channels</span>
                <input
                  value={channels}
                  onInput={(e) => setChannels(e.currentTarget.value)}
                  placeholder={key ? key.channels.join(" ") : "**"}
                  name="channels"
                />
              </label>
            </div>
            <fieldset class="field">
              <legend>Actions</legend>
              <div class="checks">
                {ACTIONS.map((a) => (
                  <label key={a} class={`check${key && !key.actions.includes(a) ? " disabled" : ""}`}>
                    <input
                      type="checkbox"
                      checked={chosen.includes(a)}
                      disabled={key && !key.actions.includes(a)}
                      onChange={(e) =>
                        setActions(e.currentTarget.checked ? [...chosen, a] : chosen.filter((x) => x !== a))
                      }
                    />
                    {a}
                  </label>
                ))}
              </div>
            </fieldset>
            <label class="field">
              <span>Peer metadata (JSON, shown to other peers)</span>
              <textarea rows={3} value={peerMetadata} onInput={(e) => setPeerMetadata(e.currentTarget.value)} placeholder='{"name": "Alice"}' name="peerMetadata" />
            </label>
            <label class="field">
              <span>Metadata (JSON, only in the peer's welcome)</span>
              <textarea rows={2} value={metadata} onInput={(e) => setMetadata(e.currentTarget.value)} placeholder='{"plan": "pro"}' />
            </label>
            <ErrorNote error={error} />
            <div class="form-actions">
              <Button kind="primary" type="submit" icon={KeyRound} loading={busy} disabled={!key} data-testid="mint">
                Mint token
              </Button>
            </div>
          </form>
        </Card>
        <Card title="Token" subtitle={result ? `Expires ${dateTime(result.expiresAt * 1000)}` : "The minted token appears here"}>
          {!result ? (
            <Empty icon={KeyRound} title="No token yet">Fill in the form to mint one.</Empty>
          ) : (
            <div class="token-result">
              <div class="token-box" data-testid="token">{result.token}</div>
              <div class="form-actions">
                <CopyButton text={result.token} label="Copy token" />
              </div>
              <h3 class="section-title">Claims</h3>
              <Json value={result.claims} />
            </div>
          )}
        </Card>
      </div>
    </div>
  );
}
