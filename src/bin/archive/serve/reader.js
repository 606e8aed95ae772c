// The story reader: a whole story with every word the search matched marked in every passage,
// opened on the hit's passage; or both languages side by side, passage beside passage when
// the versions line up (as many passages, or alignment markers), one after the other when
// they do not.

import { $, el, langName, plural, showPaths, toUnits, appendMarked, getJSON, say } from "./common.js";

const reader = $("reader");
const bothButton = $("both");

/// What the reader shows: {id, lang, passage, query, opener}; null when closed.
let shown = null;
/// Both languages at once (kept from one story to the next).
let both = false;
/// The stories last fetched for `shown`, the chosen language first.
let versions = [];

// `query` is {q, exact} of the search the story was opened from, or null (from the list).
export async function openStory(id, lang, passage, query, opener) {
  shown = { id, lang, passage, query, opener };
  await load();
}

/// Shows the reader again as it is (after the "file paths" box changed).
export function refreshStory() {
  if (reader.open && versions.length) show();
}

async function fetchStory(lang) {
  const p = new URLSearchParams({ story: shown.id, lang });
  if (shown.query) {
    p.set("q", shown.query.q);
    if (shown.query.exact) p.set("exact", "1");
  }
  const { ok, status, body } = await getJSON("/api/story?" + p);
  if (!ok) throw new Error(body.error || `the server answered ${status}`);
  return body;
}

async function load() {
  const asked = shown;
  let got;
  try {
    const first = await fetchStory(shown.lang);
    const others = both ? first.langs.filter((l) => l !== first.lang) : [];
    got = [first, ...(await Promise.all(others.map(fetchStory)))];
  } catch (e) {
    say(`cannot open the story: ${e.message}`, true);
    return;
  }
  if (asked !== shown) return; // another story was asked for meanwhile
  versions = got;
  show();
}

function show() {
  const story = versions[0];
  $("reader-title").textContent = story.title || story.story;
  $("reader-title").lang = story.lang;
  const meta = [story.date, story.story, plural(story.passages.length, "passage")];
  if (showPaths()) meta.push(versions.map((v) => v.path).join(" · "));
  $("reader-meta").textContent = meta.filter(Boolean).join(" · ");
  $("reader-langs").replaceChildren(
    ...story.langs.map((l) => {
      const b = el("button", { type: "button", lang: l, "aria-pressed": String(l === story.lang), text: langName(l) });
      b.addEventListener("click", () => {
        if (l !== story.lang) openStory(shown.id, l, shown.passage, shown.query, shown.opener);
      });
      return b;
    }),
  );
  bothButton.hidden = story.langs.length < 2;
  bothButton.setAttribute("aria-pressed", String(both));
  const text = $("reader-text");
  let current = null;
  const row = (n, cells) => {
    const here = n === shown.passage;
    const r = el("div", { class: here ? "story-passage current" : "story-passage", id: `p${n}` }, el("span", { class: "num", text: `¶${n}`, "aria-hidden": "true" }), ...cells);
    if (here) {
      r.tabIndex = -1;
      r.setAttribute("aria-current", "true");
      current = r;
    }
    return r;
  };
  reader.classList.toggle("wide", versions.length > 1);
  if (versions.length < 2) {
    text.className = "";
    text.replaceChildren(...story.passages.map((p) => row(p.passage, [marked(story.lang, p)])));
  } else if (story.aligned) {
    // One row per pair of passages, each version in its own column.
    text.className = "columns";
    text.style.setProperty("--versions", versions.length);
    const head = el("div", { class: "story-passage heads", "aria-hidden": "true" }, el("span"), ...versions.map((v) => el("h3", { lang: v.lang, text: langName(v.lang) })));
    const rows = alignRows(versions).map((cells) => {
      const texts = versions.map((v, k) => (cells[k] ? marked(v.lang, cells[k]) : el("p", { lang: v.lang })));
      return cells[0] ? row(cells[0].passage, texts) : el("div", { class: "story-passage" }, el("span"), ...texts);
    });
    text.replaceChildren(head, ...rows);
  } else {
    // Paired by number they would be different paragraphs: each version whole, in turn.
    text.className = "";
    const counts = versions.map((v) => `${langName(v.lang)} ${v.passages.length}`).join(", ");
    const note = el("p", { class: "note", text: `These versions do not line up passage by passage (${counts}) and have no alignment markers, so they are shown one after the other.` });
    const parts = versions.map((v, k) =>
      el(
        "section",
        { class: "version", lang: v.lang },
        el("h3", { text: `${langName(v.lang)}${v.title && v.title !== story.title ? ` · ${v.title}` : ""}` }),
        ...v.passages.map((p) => (k === 0 ? row(p.passage, [marked(v.lang, p)]) : el("div", { class: "story-passage" }, el("span", { class: "num", text: `¶${p.passage}`, "aria-hidden": "true" }), marked(v.lang, p)))),
      ),
    );
    text.replaceChildren(note, ...parts);
  }
  if (!reader.open) reader.showModal();
  shown.displayed = true;
  // The hit's passage takes the focus, so a screen reader reads it and the arrow keys scroll
  // from there; it is marked and centred.
  const target = current || $("reader-title");
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "center", behavior: "instant" });
}

// Rows of passages that pair: the same `align` number (from alignment markers; 0 pairs with
// nothing), else the same passage number. The first version's passages give the rows in
// order; another version's passage that pairs with none gets a row of its own after the row
// of its previous passage.
function alignRows(versions) {
  const key = (p) => (p.align === undefined ? p.passage : p.align);
  const rows = versions[0].passages.map((p) => [p]);
  const byKey = new Map(rows.filter((r) => key(r[0])).map((r) => [key(r[0]), r]));
  versions.slice(1).forEach((v, k) => {
    let after = -1;
    for (const p of v.passages) {
      let r = key(p) ? byKey.get(key(p)) : undefined;
      if (r && !r[k + 1]) after = rows.indexOf(r);
      else rows.splice(++after, 0, (r = []));
      r[k + 1] = p;
    }
  });
  return rows;
}

function marked(lang, passage) {
  const p = el("p", { lang });
  appendMarked(p, passage.text, toUnits(passage.text, passage.highlights));
  return p;
}

$("close").addEventListener("click", () => reader.close());
bothButton.addEventListener("click", () => {
  both = !both;
  if (shown) load();
});
// Escape closes a modal dialog natively; the focus then goes back to the button that opened it.
reader.addEventListener("close", () => {
  // The event comes after Escape, later than a story opened at once after it: that story
  // is not the one closed.
  if (!shown || !shown.displayed) return;
  if (shown.opener && shown.opener.isConnected) shown.opener.focus();
  shown = null;
  versions = [];
});
