// The /demo/ page: presence roster, chat and a video call between browser tabs, on the official
// @metered-ca/realtime MeteredPeer (copied into the server's jar at build time from npm).
import { MeteredPeer } from "./vendor/metered-realtime/index.mjs";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

let peer = null;
let localStream = null;
/** peerId -> { li, name } for everyone else in the channel. */
const roster = new Map();

// Defaults: the server that served this page, ?key= from the URL, the channel from the hash.
$("url").value = params.get("url") ?? `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;
$("key").value = params.get("key") ?? "";
$("channel").value = decodeURIComponent(location.hash.slice(1)) || "demo-room";
$("name").value = params.get("name") ?? "";

const shortId = (id) => id.slice(0, 8);
const myName = () => $("name").value.trim() || `peer ${shortId(peer.peerId)}`;

function setStatus(text) {
  $("status").textContent = text;
}

function setJoined(joined) {
  for (const id of ["chat-text", "chat-send", "start-video", "leave"]) $(id).disabled = !joined;
  for (const id of ["url", "key", "channel", "name", "join"]) $(id).disabled = joined;
  if (localStream) $("start-video").disabled = true;
}

function rosterItem(peerId, label, self) {
  const li = document.createElement("li");
  li.dataset.peerId = peerId;
  li.textContent = label;
  if (self) li.className = "self";
  $("roster").append(li);
  return li;
}

function appendChat(fromLabel, text, self) {
  const li = document.createElement("li");
  if (self) li.className = "self";
  const from = document.createElement("span");
  from.className = "from";
  from.textContent = fromLabel;
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  li.append(from, body);
  $("chat-log").append(li);
  li.scrollIntoView({ block: "nearest" });
}

function addTile(peerId, stream, metadata, local) {
  if (document.querySelector(`.tile[data-stream-id="${CSS.escape(stream.id)}"][data-peer-id="${CSS.escape(peerId)}"]`)) return;
  const fig = document.createElement("figure");
  fig.className = "tile";
  fig.dataset.peerId = peerId;
  fig.dataset.streamId = stream.id;
  fig.dataset.role = metadata?.role ?? "";
  const video = document.createElement("video");
  video.autoplay = true;
  video.playsInline = true;
  video.muted = local; // never play our own microphone back
  video.srcObject = stream;
  const caption = document.createElement("figcaption");
  const who = local ? "you" : (roster.get(peerId)?.name ?? shortId(peerId));
  caption.textContent = `${who}: ${metadata?.label ?? "stream"} (${metadata?.role ?? "unknown"})`;
  fig.append(video, caption);
  $("tiles").append(fig);
}

function removeTiles(peerId, streamId) {
  for (const tile of document.querySelectorAll(".tile")) {
    if (tile.dataset.peerId === peerId && (streamId === undefined || tile.dataset.streamId === streamId)) {
      tile.querySelector("video").srcObject = null;
      tile.remove();
    }
  }
}

function addRemote(remote) {
  if (roster.has(remote.id)) return;
  const entry = { name: null, li: rosterItem(remote.id, shortId(remote.id), false) };
  roster.set(remote.id, entry);
  remote.on("stream-added", ({ stream, metadata }) => addTile(remote.id, stream, metadata, false));
  remote.on("stream-removed", ({ stream }) => removeTiles(remote.id, stream.id));
  // Tell the newcomer our display name (server-routed direct message).
  remote.send({ type: "hello", name: myName() }).catch(() => {});
}

function removeRemote(remote) {
  roster.get(remote.id)?.li.remove();
  roster.delete(remote.id);
  removeTiles(remote.id);
}

function onData({ senderPeerId, data }) {
  if (data === null || typeof data !== "object") return;
  const entry = roster.get(senderPeerId);
  const name = typeof data.name === "string" ? data.name.slice(0, 40) : null;
  if (entry && name) {
    entry.name = name;
    entry.li.textContent = `${name} (${shortId(senderPeerId)})`;
  }
  if (data.type === "chat" && typeof data.text === "string") {
    appendChat(name ?? shortId(senderPeerId), data.text, false);
  }
}

async function join(event) {
  event.preventDefault();
  const channel = $("channel").value.trim();
  try {
    peer = new MeteredPeer({ apiKey: $("key").value.trim(), url: $("url").value.trim() });
  } catch (err) {
    setStatus(`cannot connect: ${err.message}`);
    return;
  }
  peer.on("peer-joined", ({ peer: remote }) => addRemote(remote));
  peer.on("peer-left", ({ peer: remote }) => removeRemote(remote));
  peer.on("data", onData);
  peer.on("state-change", ({ to }) => {
    if (peer?.channel) setStatus(`${to} · channel ${peer.channel} · you are ${shortId(peer.peerId)}`);
  });
  peer.on("left", ({ reason }) => {
    setStatus(`left${reason ? `: ${reason}` : ""}`);
    teardown();
  });
  peer.on("error", ({ err }) => console.error("MeteredPeer error", err));
  setStatus("joining…");
  setJoined(true);
  try {
    await peer.join(channel);
  } catch (err) {
    setStatus(`join failed: ${err.name}: ${err.message}`);
    peer.close().catch(() => {});
    teardown();
    return;
  }
  history.replaceState(null, "", `#${encodeURIComponent(channel)}`);
  rosterItem(peer.peerId, `${myName()} (you)`, true);
  for (const remote of peer.remotePeers) addRemote(remote);
  setStatus(`joined · channel ${channel} · you are ${shortId(peer.peerId)}`);
}

function teardown() {
  peer = null;
  roster.clear();
  $("roster").replaceChildren();
  $("tiles").replaceChildren();
  localStream?.getTracks().forEach((t) => t.stop());
  localStream = null;
  $("video-source").textContent = "";
  setJoined(false);
}

async function sendChat(event) {
  event.preventDefault();
  const text = $("chat-text").value.trim();
  if (!peer || !text) return;
  try {
    await peer.send({ type: "chat", name: myName(), text });
    appendChat(`${myName()} (you)`, text, true);
    $("chat-text").value = "";
  } catch (err) {
    appendChat("error", `not sent: ${err.message}`, true);
  }
}

/** A moving test pattern, for machines without a camera (or pages not in a secure context). */
function canvasStream() {
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 240;
  const g = canvas.getContext("2d");
  const label = myName();
  // A timer, not requestAnimationFrame: background tabs stop animation frames entirely.
  const timer = setInterval(() => {
    const t = Date.now() / 1000;
    g.fillStyle = `hsl(${(t * 40) % 360} 60% 40%)`;
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.fillStyle = "#fff";
    g.font = "20px sans-serif";
    g.fillText(label, 16, 40);
    g.fillText(new Date().toLocaleTimeString(), 16, 72);
    g.beginPath();
    g.arc(160 + 100 * Math.cos(t), 160, 20, 0, 2 * Math.PI);
    g.fill();
  }, 1000 / 15);
  const stream = canvas.captureStream(15);
  stream.getVideoTracks()[0].addEventListener("ended", () => clearInterval(timer));
  return stream;
}

async function startVideo() {
  $("start-video").disabled = true;
  let role = "camera";
  try {
    localStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  } catch (err) {
    // No camera, permission denied, or no navigator.mediaDevices outside a secure context.
    console.info("getUserMedia unavailable, sending a canvas stream instead:", err?.message ?? err);
    localStream = canvasStream();
    role = "canvas";
  }
  if (!peer) {
    localStream.getTracks().forEach((t) => t.stop());
    localStream = null;
    return;
  }
  const metadata = { role, label: role === "camera" ? `${myName()}'s camera` : `${myName()}'s test pattern` };
  $("video-source").textContent = role === "camera" ? "sending your camera" : "no camera: sending a test pattern";
  addTile(peer.peerId, localStream, metadata, true);
  peer.addStream(localStream, metadata);
}

$("join-form").addEventListener("submit", join);
$("leave").addEventListener("click", () => peer?.close("left the demo"));
$("chat-form").addEventListener("submit", sendChat);
$("start-video").addEventListener("click", startVideo);
if (params.get("autojoin") === "1" && $("key").value) $("join").click();
