// archive serve: search as you type, each hit beside its counterpart, the whole story a click
// (or Enter) away. Every piece of archive text goes into the page through textContent or text
// nodes, never as HTML: a story may hold anything, `<script>` included.
"use strict";

const $ = (id) => document.getElementById(id);
const box = $("q");
const lang = $("lang");
const since = $("since");
const until = $("until");
const exact = $("exact");
const statusLine = $("status");
const results = $("results");
const reader = $("reader");

const LANG_NAMES = { en: "English", zh: "中文" };
const langName = (code) => LANG_NAMES[code] || code;
/// Quiet time after a keystroke before searching.
const DEBOUNCE_MS = 200;

let timer = 0;
let inFlight = null;
let generation = 0;

// ---- byte ranges → string offsets -------------------------------------------------------

// The API's ranges are byte offsets into UTF-8 text (as in the CLI's --json); JavaScript
// strings count UTF-16 code units. Returns a function from byte offset to code-unit offset
// (an offset inside a character maps to that character's start).
function byteOffsets(text) {
  const units = [];
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i);
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let b = 0; b < bytes; b++) units.push(i);
    i += cp > 0xffff ? 2 : 1;
  }
  units.push(text.length);
  return (byte) => units[Math.max(0, Math.min(byte, units.length - 1))];
}

function toUnits(text, ranges) {
  const at = byteOffsets(text);
  return (ranges || []).map(([a, b]) => [at(a), at(b)]);
}

// Appends text[start, end) to parent with the ranges wrapped in <mark>, and "…" where the
// excerpt cuts the text.
function appendMarked(parent, text, ranges, start = 0, end = text.length) {
  if (start > 0) parent.append("…");
  let at = start;
  for (const [a0, b0] of ranges) {
    const a = Math.max(a0, start);
    const b = Math.min(b0, end);
    if (a >= b || a < at) continue;
    parent.append(text.slice(at, a));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(a, b);
    parent.append(mark);
    at = b;
  }
  parent.append(text.slice(at, end));
  if (end < text.length) parent.append("…");
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

// ---- the query, the URL's fragment and the API ------------------------------------------

function currentParams() {
  const p = new URLSearchParams();
  p.set("q", box.value);
  if (lang.value) p.set("lang", lang.value);
  if (since.value) p.set("since", since.value);
  if (until.value) p.set("until", until.value);
  if (exact.checked) p.set("exact", "1");
  return p;
}

// The fragment holds the search (#q=…&lang=…), so a reload or a shared link shows it again;
// it never reaches the server.
function loadFragment() {
  const p = new URLSearchParams(location.hash.slice(1));
  box.value = p.get("q") || "";
  lang.value = ["en", "zh"].includes(p.get("lang")) ? p.get("lang") : "";
  since.value = p.get("since") || "";
  until.value = p.get("until") || "";
  exact.checked = p.get("exact") === "1";
}

// GETs an API address; an answer that is not JSON (a proxy's page, a plain-text refusal) is
// turned into an error with its first line, so the status line always says something true.
async function getJSON(url, signal) {
  const response = await fetch(url, { signal });
  const text = await response.text();
  try {
    return { ok: response.ok, status: response.status, body: JSON.parse(text) };
  } catch {
    return { ok: false, status: response.status, body: { error: text.split("\n")[0] } };
  }
}

function schedule(delay) {
  clearTimeout(timer);
  timer = setTimeout(runSearch, delay);
}

async function runSearch() {
  const params = currentParams();
  history.replaceState(null, "", box.value.trim() ? "#" + params : location.pathname);
  if (inFlight) inFlight.abort();
  const mine = ++generation;
  if (!box.value.trim()) {
    results.replaceChildren();
    say("");
    return;
  }
  inFlight = new AbortController();
  results.setAttribute("aria-busy", "true");
  try {
    const { ok, status, body } = await getJSON("/api/search?" + params, inFlight.signal);
    if (mine !== generation) return;
    if (!ok) {
      say(body.error || `the server answered ${status}`, true);
      results.replaceChildren();
      return;
    }
    render(body);
  } catch (e) {
    if (e.name === "AbortError" || mine !== generation) return;
    say(`no answer from the server (${e.message}); is \`archive serve\` still running?`, true);
  } finally {
    if (mine === generation) results.removeAttribute("aria-busy");
  }
}

function say(text, error = false) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", error);
}

// ---- results ----------------------------------------------------------------------------

function render(hits) {
  const shown = hits.filter((h) => !(h.paired_with && h.paired_with < h.rank));
  const notes = [];
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (!hits.length) notes.push("No passage matched.");
  else notes.push(plural(shown.length, "result"));
  // A passage that matched in both languages is one result, its two versions side by side.
  if (hits.length > shown.length) notes.push(`${hits.length} passages, matching pairs shown together`);
  if (hits.length && hits[0].partial)
    notes.push("no passage holds every word; these hold some");
  for (const e of hits.length ? hits[0].expanded : [])
    notes.push(`also searched ${e.from} → ${e.to.join(", ")}`);
  say(notes.join(" · "));
  results.replaceChildren(...shown.map(hitCard));
}

function hitCard(hit) {
  // Excerpts are the API's (the terminal shows the same ones).
  const own = toUnits(hit.text, hit.highlights);
  const snippet = toUnits(hit.text, [hit.snippet_range])[0];
  const meta = [hit.date, `¶${hit.passage}`, hit.path].filter(Boolean).join(" · ");
  const pair = el("div", { class: "pair" });
  pair.append(passageBox(hit.lang, hit.passage, hit.text, own, snippet, ""));
  const marks = { [hit.lang]: own };
  const c = hit.counterpart;
  if (c) {
    const theirs = toUnits(c.text, c.highlights);
    marks[c.lang] = theirs;
    const cut = toUnits(c.text, [c.excerpt_range])[0];
    pair.append(passageBox(c.lang, c.passage, c.text, theirs, cut, c.matched ? "also matched" : "counterpart", true));
    pair.classList.add("two");
  }
  const read = el("button", { class: "read", type: "button", text: `Read the whole story (${langName(hit.lang)})` });
  read.addEventListener("click", () => openStory(hit.story, hit.lang, hit.passage, marks, read));
  return el(
    "article",
    { class: "hit", "data-story": hit.story, "data-passage": String(hit.passage) },
    el("h2", {}, el("span", { class: "rank", text: `${hit.rank}. ` }), hit.title || hit.story),
    el("p", { class: "meta", text: meta }),
    pair,
    read,
  );
}

function passageBox(code, passage, text, ranges, [start, end], tag, counterpart = false) {
  const p = el("p", { lang: code });
  appendMarked(p, text, ranges, start, end);
  return el(
    "section",
    { class: counterpart ? "passage counterpart" : "passage", lang: code },
    el("h3", { text: [`${langName(code)} ¶${passage}`, tag].filter(Boolean).join(" · ") }),
    p,
  );
}

// ---- the story reader -------------------------------------------------------------------

let opener = null;

async function openStory(id, code, passage, marks, from) {
  opener = from;
  const params = new URLSearchParams({ story: id, lang: code });
  let story;
  try {
    const { ok, status, body } = await getJSON("/api/story?" + params);
    if (!ok) {
      say(body.error || `the server answered ${status}`, true);
      return;
    }
    story = body;
  } catch (e) {
    say(`no answer from the server (${e.message})`, true);
    return;
  }
  $("reader-title").textContent = story.title || story.story;
  $("reader-title").lang = story.lang;
  $("reader-meta").textContent = [story.date, story.path].filter(Boolean).join(" · ");
  const langs = $("reader-langs");
  langs.replaceChildren(
    ...story.langs.map((l) => {
      const b = el("button", { type: "button", lang: l, "aria-pressed": String(l === story.lang), text: langName(l) });
      b.addEventListener("click", () => {
        if (l !== story.lang) openStory(id, l, passage, marks, opener);
      });
      return b;
    }),
  );
  let current = null;
  const text = $("reader-text");
  text.replaceChildren(
    ...story.passages.map((p) => {
      const body = el("p", { lang: story.lang });
      const here = p.passage === passage;
      appendMarked(body, p.text, here ? marks[story.lang] || [] : []);
      const row = el(
        "div",
        { class: here ? "story-passage current" : "story-passage", id: `p${p.passage}` },
        el("span", { class: "num", text: `¶${p.passage}`, "aria-hidden": "true" }),
        body,
      );
      if (here) {
        row.tabIndex = -1;
        row.setAttribute("aria-current", "true");
        current = row;
      }
      return row;
    }),
  );
  if (!reader.open) reader.showModal();
  // The hit's passage takes the focus, so a screen reader reads it and the arrow keys scroll
  // from there; it is marked and centred.
  const target = current || $("reader-title");
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "center", behavior: "instant" });
}

$("close").addEventListener("click", () => reader.close());
// Escape closes a modal dialog natively; the focus then goes back to the button that opened it.
reader.addEventListener("close", () => {
  if (opener && opener.isConnected) opener.focus();
});

// ---- wiring -----------------------------------------------------------------------------

box.addEventListener("input", () => schedule(DEBOUNCE_MS));
for (const control of [lang, since, until, exact]) control.addEventListener("change", () => schedule(0));
$("search").addEventListener("submit", (e) => {
  e.preventDefault(); // Enter searches at once, without the wait.
  schedule(0);
});
box.addEventListener("keydown", (e) => {
  // Escape empties the box (and the results); a second Escape leaves it empty.
  if (e.key === "Escape" && box.value) {
    e.preventDefault();
    box.value = "";
    schedule(0);
  }
});
document.addEventListener("keydown", (e) => {
  // "/" jumps back to the search box from anywhere outside a text field.
  if (e.key === "/" && !reader.open && !["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName)) {
    e.preventDefault();
    box.focus();
    box.select();
  }
});
window.addEventListener("hashchange", () => {
  loadFragment();
  schedule(0);
});

loadFragment();
box.focus();
if (box.value.trim()) schedule(0);
