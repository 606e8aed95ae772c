// archive serve: with the box empty, what the archive holds, newest first, a page at a time;
// typing searches (each hit beside its counterpart); the whole story is a click (or Enter)
// away (reader.js).

import { $, el, langName, plural, showPaths, toUnits, appendMarked, getJSON, say } from "./common.js";
import { openStory, refreshStory } from "./reader.js";

const box = $("q");
const lang = $("lang");
const since = $("since");
const until = $("until");
const exact = $("exact");
const paths = $("paths");
const results = $("results");

/// Quiet time after a keystroke before searching.
const DEBOUNCE_MS = 200;
/// Quiet time after a keystroke before a refusal (a query still being typed, `Khorgos OR`)
/// is shown; Enter shows it at once.
const ERROR_PAUSE_MS = 1000;

let timer = 0;
let errorTimer = 0;
let lastKey = 0;
let inFlight = null;
let generation = 0;
/// The start view's page, from 1.
let listPage = 1;
/// Shows the current view again (when the "file paths" box changes).
let redraw = () => {};

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

// The fragment holds the view (#q=…&lang=…, or #page=N with the box empty, and paths=1), so a
// reload or a shared link shows it again; it never reaches the server.
function loadFragment() {
  const p = new URLSearchParams(location.hash.slice(1));
  box.value = p.get("q") || "";
  lang.value = ["en", "zh"].includes(p.get("lang")) ? p.get("lang") : "";
  since.value = p.get("since") || "";
  until.value = p.get("until") || "";
  exact.checked = p.get("exact") === "1";
  paths.checked = p.get("paths") === "1";
  listPage = Math.max(1, parseInt(p.get("page"), 10) || 1);
}

function saveFragment() {
  const p = box.value.trim() ? currentParams() : new URLSearchParams();
  if (!box.value.trim() && listPage > 1) p.set("page", listPage);
  if (paths.checked) p.set("paths", "1");
  history.replaceState(null, "", p.toString() ? "#" + p : location.pathname + location.search);
}

function schedule(delay, typed = false) {
  clearTimeout(timer);
  timer = setTimeout(() => runSearch(typed), delay);
}

// `typed`: started by a keystroke's pause rather than Enter or a filter; then a refusal waits
// until the typing has stopped for ERROR_PAUSE_MS, so `"` or `OR` on the way to a longer query
// never flashes an error.
async function runSearch(typed) {
  clearTimeout(errorTimer);
  saveFragment();
  if (inFlight) inFlight.abort();
  const mine = ++generation;
  if (!box.value.trim()) return showList(mine);
  const params = currentParams();
  inFlight = new AbortController();
  results.setAttribute("aria-busy", "true");
  try {
    const { ok, status, body } = await getJSON("/api/search?" + params, inFlight.signal);
    if (mine !== generation) return;
    if (!ok) {
      const refuse = () => {
        if (mine !== generation) return;
        say(body.error || `the server answered ${status}`, true);
        results.replaceChildren();
        results.classList.remove("stale");
        redraw = () => {};
      };
      // Meanwhile the last results stay, dimmed: they are not this query's.
      if (typed) {
        results.classList.add("stale");
        errorTimer = setTimeout(refuse, Math.max(0, lastKey + ERROR_PAUSE_MS - Date.now()));
      } else refuse();
      return;
    }
    const query = { q: params.get("q"), exact: exact.checked };
    redraw = () => render(body, query);
    redraw();
    results.classList.remove("stale");
  } catch (e) {
    if (e.name === "AbortError" || mine !== generation) return;
    say(`no answer from the server (${e.message}); is \`archive serve\` still running?`, true);
  } finally {
    if (mine === generation) results.removeAttribute("aria-busy");
  }
}

// ---- the start view: what the archive holds -----------------------------------------------

async function showList(mine) {
  inFlight = new AbortController();
  try {
    const { ok, status, body } = await getJSON(`/api/stories?page=${listPage}`, inFlight.signal);
    if (mine !== generation) return;
    if (!ok && status === 404 && listPage > 1) {
      listPage = 1; // a bookmarked page past the end: the first page instead
      return runSearch(false);
    }
    if (!ok) return say(body.error || `the server answered ${status}`, true);
    redraw = () => renderList(body);
    redraw();
    results.classList.remove("stale");
  } catch (e) {
    if (e.name === "AbortError" || mine !== generation) return;
    say(`no answer from the server (${e.message}); is \`archive serve\` still running?`, true);
  }
}

function renderList(list) {
  const t = list.total;
  say("");
  const totals = el("p", {
    class: "totals",
    text: t.stories
      ? `The archive holds ${plural(t.stories, "story", "stories")} in ${t.langs.map(langName).join(" and ")}, ${plural(t.passages, "passage")}. Newest first:`
      : "The archive holds no story yet: put files in its archive folder and run `archive index`.",
  });
  const items = list.stories.map((s) => {
    const first = s.langs.includes("en") ? "en" : s.langs[0];
    const open = el("button", { class: "open", type: "button", lang: first, text: s.title || s.id });
    open.addEventListener("click", () => openStory(s.id, first, 0, null, open));
    const versions = s.langs.map((l) => `${langName(l)} ${s.passages[l]} ¶`);
    const meta = [s.date || "undated", s.id, ...versions];
    if (showPaths()) meta.push(...s.langs.map((l) => s.paths[l]));
    return el("li", { class: "story", "data-story": s.id }, el("h2", {}, open), el("p", { class: "meta", text: meta.join(" · ") }));
  });
  const nodes = [totals, el("ol", { class: "stories", start: String((list.page - 1) * list.per_page + 1) }, ...items)];
  if (list.pages > 1) nodes.push(pager(list.page, list.pages));
  results.replaceChildren(...nodes);
}

function pager(page, pages) {
  const go = (n, text) => {
    const b = el("button", { type: "button", text });
    b.disabled = n < 1 || n > pages;
    b.addEventListener("click", () => {
      listPage = n;
      schedule(0);
      window.scrollTo(0, 0);
    });
    return b;
  };
  return el("nav", { class: "pager", "aria-label": "Pages" }, go(page - 1, "← Newer"), el("span", { text: `page ${page} of ${pages}` }), go(page + 1, "Older →"));
}

// ---- results ----------------------------------------------------------------------------

function render(hits, query) {
  const shown = hits.filter((h) => !(h.paired_with && h.paired_with < h.rank));
  const notes = [];
  if (!hits.length) notes.push("No passage matched.");
  else notes.push(plural(shown.length, "result"));
  // A passage that matched in both languages is one result, its two versions side by side.
  if (hits.length > shown.length) notes.push(`${hits.length} passages, matching pairs shown together`);
  if (hits.length && hits[0].partial) notes.push("no passage holds every word; these hold some");
  for (const e of hits.length ? hits[0].expanded : []) notes.push(`also searched ${e.from} → ${e.to.join(", ")}`);
  say(notes.join(" · "));
  results.replaceChildren(...shown.map((h) => hitCard(h, query)));
}

function hitCard(hit, query) {
  // Excerpts are the API's (the terminal shows the same ones).
  const own = toUnits(hit.text, hit.highlights);
  const snippet = toUnits(hit.text, [hit.snippet_range])[0];
  // The story's id and date say where a hit is; its file only when asked for.
  const meta = [hit.date, hit.story, `¶${hit.passage}`];
  if (showPaths()) meta.push(hit.path);
  const pair = el("div", { class: "pair" });
  pair.append(passageBox(hit.lang, hit.passage, hit.text, own, snippet, ""));
  const c = hit.counterpart;
  if (c) {
    const cut = toUnits(c.text, [c.excerpt_range])[0];
    pair.append(passageBox(c.lang, c.passage, c.text, toUnits(c.text, c.highlights), cut, c.matched ? "also matched" : "counterpart", true));
    pair.classList.add("two");
  }
  const read = el("button", { class: "read", type: "button", text: `Read the whole story (${langName(hit.lang)})` });
  read.addEventListener("click", () => openStory(hit.story, hit.lang, hit.passage, query, read));
  return el(
    "article",
    { class: "hit", "data-story": hit.story, "data-passage": String(hit.passage) },
    el("h2", {}, el("span", { class: "rank", text: `${hit.rank}. ` }), hit.title || hit.story),
    el("p", { class: "meta", text: meta.filter(Boolean).join(" · ") }),
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

// ---- wiring -----------------------------------------------------------------------------

box.addEventListener("input", () => {
  lastKey = Date.now();
  clearTimeout(errorTimer);
  schedule(DEBOUNCE_MS, true);
});
for (const control of [lang, since, until, exact]) control.addEventListener("change", () => schedule(0));
paths.addEventListener("change", () => {
  saveFragment();
  redraw();
  refreshStory();
});
$("search").addEventListener("submit", (e) => {
  e.preventDefault(); // Enter searches at once, without the wait, and shows a refusal at once.
  schedule(0);
});
box.addEventListener("keydown", (e) => {
  // Escape empties the box (back to the list of stories); a second Escape leaves it empty.
  if (e.key === "Escape" && box.value) {
    e.preventDefault();
    box.value = "";
    schedule(0);
  }
});
document.addEventListener("keydown", (e) => {
  // "/" jumps back to the search box from anywhere outside a text field.
  if (e.key === "/" && !$("reader").open && !["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName)) {
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
// `/?paths=1` opens the page with paths shown (a link to hand out); the box can untick it.
if (new URLSearchParams(location.search).get("paths") === "1") paths.checked = true;
box.focus();
schedule(0);
