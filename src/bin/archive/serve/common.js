// What the page's two parts share: building elements, marking byte ranges, asking the API.
// Every piece of archive text goes into the page through textContent or text nodes, never as
// HTML: a story may hold anything, `<script>` included.

export const $ = (id) => document.getElementById(id);

const LANG_NAMES = { en: "English", zh: "中文" };
export const langName = (code) => LANG_NAMES[code] || code;
export const plural = (n, one, many = one + "s") => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/// The "file paths" box: paths are shown only when it is ticked.
export const showPaths = () => $("paths").checked;

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

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

export function toUnits(text, ranges) {
  const at = byteOffsets(text);
  return (ranges || []).map(([a, b]) => [at(a), at(b)]);
}

// Appends text[start, end) to parent with the ranges wrapped in <mark>, and "…" where the
// excerpt cuts the text.
export function appendMarked(parent, text, ranges, start = 0, end = text.length) {
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

// GETs an API address; an answer that is not JSON (a proxy's page, a plain-text refusal) is
// turned into an error with its first line, so the status line always says something true.
export async function getJSON(url, signal) {
  const response = await fetch(url, { signal });
  const text = await response.text();
  try {
    return { ok: response.ok, status: response.status, body: JSON.parse(text) };
  } catch {
    return { ok: false, status: response.status, body: { error: text.split("\n")[0] } };
  }
}

export function say(text, error = false) {
  const line = $("status");
  line.textContent = text;
  line.classList.toggle("error", error);
}
