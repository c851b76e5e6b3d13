// unspin web page: vanilla JS, no dependencies.  The API counts offsets in code points;
// JavaScript strings are UTF-16, so texts are handled as arrays of code points here.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { text: "", points: [], edits: [], current: -1, signature: "", threshold: null };

// An edit is applied unless it is rejected: the restored text starts as the proposed restoration
// (every edit the server returned: at or above the threshold, or 0.2 under it beside another
// edit), and each edit can be rejected.
const applied = (edit) => edit.state !== "rejected";

function setStatus(message, isError) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", Boolean(isError));
}

function pct(x) { return (x * 100).toFixed(0) + "%"; }

// ------------------------------------------------------------------ input

async function readFile(file) {
  if (file.size > 1000000) {
    setStatus(`${file.name} is larger than 1 MB; split it first.`, true);
    return;
  }
  let text = await file.text();
  if (/\.html?$/i.test(file.name) || file.type === "text/html") {
    const doc = new DOMParser().parseFromString(text, "text/html");
    doc.querySelectorAll("script, style, noscript, template").forEach((n) => n.remove());
    text = (doc.body ? doc.body.textContent : "").replace(/\n\s*\n\s*\n+/g, "\n\n").trim();
  }
  $("input").value = text;
  setStatus(`Loaded ${file.name}.`);
  restore();
}

// A server error as one readable sentence (FastAPI may send a list of field errors).
function describeError(status, data) {
  let detail = data && data.detail;
  if (Array.isArray(detail)) {
    detail = detail.map((d) => `${(d.loc || []).slice(1).join(".") || "request"}: ${d.msg}`).join("; ");
  } else if (typeof detail !== "string") {
    detail = "the server could not answer";
  }
  return `Error ${status}: ${detail}`;
}

async function restore() {
  const text = $("input").value;
  if (!text.trim()) {
    setStatus("Paste or drop some text first.", true);
    return;
  }
  const body = { text };
  const threshold = $("threshold").value.trim();
  if (threshold !== "") {
    const value = Number(threshold);
    if (!Number.isFinite(value) || value < 0 || value > 1) {
      setStatus("Minimum confidence must be a number from 0 to 1 (or empty for the server's default).", true);
      $("threshold").focus();
      return;
    }
    body.threshold = value;
  }
  if ($("profile").value !== "") body.profile = $("profile").value;
  const phrases = $("phrases").checked;
  if (phrases) body.phrases = true;
  $("restore").disabled = true;
  setStatus("Restoring…");
  try {
    const response = await fetch("/v1/restore", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      setStatus(describeError(response.status, data), true);
      return;
    }
    show(data);
    setStatus(`${data.edits.length} substitution${data.edits.length === 1 ? "" : "s"} found.`);
    await showPhraseReport(phrases ? text : null);
  } catch (error) {
    setStatus(`Could not reach the server: ${error}`, true);
  } finally {
    $("restore").disabled = false;
  }
}

// ------------------------------------------------------------------ result

function show(data) {
  state.text = data.text;
  state.points = Array.from(data.text);
  state.signature = data.signature;
  state.edits = data.edits.map((edit) => ({ ...edit, state: "pending", value: edit.restored }));
  state.current = -1;
  const used = /\|threshold:([0-9.]+)/.exec(data.signature || "");
  if (used && $("accept-level").value === "") $("accept-level").value = used[1];
  $("result").hidden = false;
  $("signature").textContent = data.signature;
  setGauge(data.spun_score);
  closeDetails();
  render();
}

// The research-integrity report (/v1/detect with phrases): each suspected tortured phrase
// with the term it likely stands for.  Hidden when the box is not ticked.
async function showPhraseReport(text) {
  const section = $("phrase-report");
  const list = $("phrase-report-list");
  list.replaceChildren();
  section.hidden = text === null;
  if (text === null) return;
  const response = await fetch("/v1/detect", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ texts: [text], phrases: true }),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok || !Array.isArray(data.phrases)) {
    $("phrase-report-summary").textContent = describeError(response.status, data);
    return;
  }
  const report = data.phrases[0];
  $("phrase-report-summary").textContent = report.count === 0
    ? `None found in ${report.words.toLocaleString("en")} words.`
    : `${report.count} in ${report.words.toLocaleString("en")} words.`;
  for (const phrase of report.phrases) {
    const item = document.createElement("li");
    const spun = document.createElement("q");
    spun.textContent = phrase.spun;
    const term = document.createElement("strong");
    term.textContent = phrase.term;
    item.append(spun, " → ", term, ` (confidence ${phrase.confidence.toFixed(2)})`);
    list.append(item);
  }
}

function setGauge(score) {
  const gauge = $("gauge");
  gauge.setAttribute("aria-valuenow", score.toFixed(2));
  gauge.setAttribute("aria-valuetext", `spun score ${score.toFixed(2)} of 1`);
  $("gauge-value").setAttribute("stroke-dasharray", `${(score * 100).toFixed(1)} 100`);
  $("gauge-value").style.setProperty("--c", score);
  $("gauge-number").textContent = score.toFixed(2);
  // 0.5: as likely spun as not (the score is a probability at even odds; unspin.edits)
  $("gauge-verdict").textContent = score >= 0.5 ? "likely spun" : "likely not spun";
}

function slice(a, b) { return state.points.slice(a, b).join(""); }

function restoredText() {
  const parts = [];
  let position = 0;
  for (const edit of state.edits) {
    parts.push(slice(position, edit.start), applied(edit) ? edit.value : edit.spun);
    position = edit.end;
  }
  parts.push(slice(position, state.points.length));
  return parts.join("");
}

function label(edit) {
  const verb = { pending: "proposed (applied)", accepted: "accepted", rejected: "rejected" }[edit.state];
  return `“${edit.spun}”: ${verb} “${edit.value}”, confidence ${pct(edit.confidence)}`;
}

function render() {
  const spun = document.createDocumentFragment();
  const restored = document.createDocumentFragment();
  let position = 0;
  state.edits.forEach((edit, index) => {
    const gap = slice(position, edit.start);
    spun.append(gap);
    restored.append(gap);
    const button = document.createElement("button");
    button.type = "button";
    button.className = `edit ${edit.state}`;
    button.dataset.index = index;
    button.textContent = edit.state === "accepted" ? edit.value : edit.spun;
    button.title = `${edit.spun} → ${edit.value} (${pct(edit.confidence)})`;
    button.setAttribute("aria-label", label(edit));
    button.setAttribute("aria-expanded", String(index === state.current));
    button.style.setProperty("--c", edit.confidence);
    button.tabIndex = index === Math.max(state.current, 0) ? 0 : -1;
    spun.append(button);
    const mark = document.createElement("span");
    mark.className = `result ${edit.state}`;
    mark.textContent = applied(edit) ? edit.value : edit.spun;
    restored.append(mark);
    position = edit.end;
  });
  const tail = slice(position, state.points.length);
  spun.append(tail);
  restored.append(tail);
  $("spun-view").replaceChildren(spun);
  $("restored-view").replaceChildren(restored);
  const accepted = state.edits.filter((e) => e.state === "accepted").length;
  const rejected = state.edits.filter((e) => e.state === "rejected").length;
  $("summary").textContent = `${state.edits.length} proposed · ${accepted} accepted · ${rejected} rejected` +
    ` · ${state.edits.length - rejected} applied in the restored text`;
}

function editButton(index) {
  return $("spun-view").querySelector(`button.edit[data-index="${index}"]`);
}

function focusEdit(index) {
  if (!state.edits.length) return;
  index = (index + state.edits.length) % state.edits.length;
  document.querySelectorAll("#spun-view button.edit").forEach((b) => (b.tabIndex = -1));
  const button = editButton(index);
  button.tabIndex = 0;
  button.focus();
}

function decide(index, decision, value) {
  const edit = state.edits[index];
  edit.state = decision;
  if (value !== undefined) edit.value = value;
  render();
  if (state.current === index) openDetails(index, false);
  focusEdit(index);
}

// ------------------------------------------------------------------ details panel

function openDetails(index, moveFocus = true) {
  const edit = state.edits[index];
  state.current = index;
  $("details-title").textContent = `“${edit.spun}” → “${edit.value}”`;
  $("details-meta").textContent =
    `confidence ${pct(edit.confidence)} · ${edit.relation} · ${edit.state}`;
  $("details-reason").textContent = edit.reason || "";
  const alternatives = $("details-alternatives");
  alternatives.replaceChildren();
  const choices = [{ restored: edit.restored, confidence: edit.confidence, relation: edit.relation },
                   ...(edit.alternatives || []).filter((a) => a.restored !== edit.restored)];
  if (choices.length > 1) {
    const heading = document.createElement("p");
    heading.textContent = "Choose the original:";
    alternatives.append(heading);
    choices.forEach((choice) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "alternative" + (choice.restored === edit.value ? " chosen" : "");
      button.textContent = `${choice.restored} (${pct(choice.confidence)}, ${choice.relation})`;
      button.setAttribute("aria-pressed", String(choice.restored === edit.value));
      button.addEventListener("click", () => decide(index, "accepted", choice.restored));
      alternatives.append(button);
    });
  }
  $("details").hidden = false;
  document.querySelectorAll("#spun-view button.edit").forEach((b) =>
    b.setAttribute("aria-expanded", String(Number(b.dataset.index) === index)));
  if (moveFocus) $("details-accept").focus();
}

function closeDetails() {
  const index = state.current;
  $("details").hidden = true;
  state.current = -1;
  if (index >= 0 && editButton(index)) {
    editButton(index).setAttribute("aria-expanded", "false");
    focusEdit(index);
  }
}

// ------------------------------------------------------------------ output

async function copyRestored() {
  const text = restoredText();
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  setStatus("Restored text copied.");
}

function downloadRestored() {
  const url = URL.createObjectURL(new Blob([restoredText()], { type: "text/plain;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = "restored.txt";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ------------------------------------------------------------------ wiring

// The server's default threshold: "Accept all with confidence ≥" starts there.  The spinner
// profiles it holds (unspin serve --profile NAME=PATH) become the choices of "Spinner profile".
async function loadSettings() {
  try {
    const info = await (await fetch("/v1/info")).json();
    const threshold = info && info.settings && info.settings.threshold;
    if (typeof threshold === "number") {
      state.threshold = threshold;
      $("accept-level").value = String(threshold);
      $("threshold").placeholder = `default (${threshold})`;
    }
    const profiles = (info && Array.isArray(info.profiles)) ? info.profiles : [];
    for (const profile of profiles) {
      const option = document.createElement("option");
      option.value = profile.name;
      option.textContent = `${profile.name} (${Number(profile.pages).toLocaleString("en")} pages)`;
      $("profile").append(option);
    }
    $("profile-choice").hidden = $("profile-help").hidden = profiles.length === 0;
  } catch (error) {
    // the level is then taken from the first result's signature
  }
}

function wire() {
  $("restore").addEventListener("click", restore);
  $("input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) restore();
  });
  $("file").addEventListener("change", (event) => {
    if (event.target.files.length) readFile(event.target.files[0]);
  });
  const input = $("input");
  input.addEventListener("dragover", (event) => { event.preventDefault(); input.classList.add("drop"); });
  input.addEventListener("dragleave", () => input.classList.remove("drop"));
  input.addEventListener("drop", (event) => {
    event.preventDefault();
    input.classList.remove("drop");
    if (event.dataTransfer.files.length) readFile(event.dataTransfer.files[0]);
  });

  const view = $("spun-view");
  view.addEventListener("click", (event) => {
    const button = event.target.closest("button.edit");
    if (button) openDetails(Number(button.dataset.index));
  });
  view.addEventListener("keydown", (event) => {
    const button = event.target.closest("button.edit");
    if (!button) return;
    const index = Number(button.dataset.index);
    const actions = {
      a: () => decide(index, "accepted"), r: () => decide(index, "rejected"),
      ArrowRight: () => focusEdit(index + 1), ArrowDown: () => focusEdit(index + 1),
      ArrowLeft: () => focusEdit(index - 1), ArrowUp: () => focusEdit(index - 1),
      Home: () => focusEdit(0), End: () => focusEdit(state.edits.length - 1),
      Escape: closeDetails,
    };
    if (actions[event.key] && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      actions[event.key]();
    }
  });
  $("details-accept").addEventListener("click", () => decide(state.current, "accepted"));
  $("details-reject").addEventListener("click", () => decide(state.current, "rejected"));
  $("details-close").addEventListener("click", closeDetails);
  $("details").addEventListener("keydown", (event) => { if (event.key === "Escape") closeDetails(); });
  $("accept-above").addEventListener("click", () => {
    const level = Number($("accept-level").value);
    if ($("accept-level").value.trim() === "" || !Number.isFinite(level) || level < 0 || level > 1) {
      setStatus("The confidence level must be a number from 0 to 1.", true);
      return;
    }
    let count = 0;
    let dropped = 0;
    state.edits.forEach((edit) => {
      if (edit.confidence >= level) { edit.state = "accepted"; count += 1; }
      else if (edit.state === "pending") { edit.state = "rejected"; dropped += 1; }
    });
    render();
    setStatus(`Accepted ${count} edit${count === 1 ? "" : "s"} with confidence ≥ ${level}` +
      (dropped ? `; rejected ${dropped} less sure proposal${dropped === 1 ? "" : "s"}.` : "."));
  });
  $("reject-all").addEventListener("click", () => {
    state.edits.forEach((edit) => (edit.state = "rejected"));
    render();
  });
  $("toggle-view").addEventListener("click", (event) => {
    const split = $("views").classList.toggle("split");
    $("restored-pane").hidden = !split;
    event.currentTarget.setAttribute("aria-pressed", String(split));
  });
  $("copy").addEventListener("click", copyRestored);
  $("download").addEventListener("click", downloadRestored);
}

window.unspinPage = { state, restoredText };  // for tests and the console
wire();
loadSettings();
