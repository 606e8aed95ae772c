#!/usr/bin/env python3
"""Search quality of `archive` against SQLite FTS5, on real English/Chinese corpora.

Usage (from the repository root):

    cargo build --release
    python3 benches/quality.py [--corpora DIR] [--bin PATH]
                               [--details FILE] [--failures N] [--jobs N]

Python 3 standard library only (plus its `sqlite3` module, with FTS5 and the trigram tokenizer:
SQLite >= 3.34). Prints a Markdown table of MRR@10 and recall@10 per query set, for archive and
for FTS5, then whether the issue's aims are met.

Corpora
-------
Built by `benches/corpora/make_corpora.sh DIR debian-faq debian-reference` (a copy of the
team's shared corpus script; it installs Debian documentation packages and extracts one UTF-8
file per document: DIR/<corpus>/<lang>/<docid>.txt). When DIR lacks a corpus this script runs
it (as root only; `apt-get update` first when the package lists are empty). Default DIR:
$ARCHIVE_CORPORA, else target/corpora. Corpora are never committed.

Query sets (each query has one relevant document)
-------------------------------------------------
faq.en, faq.zh-cn      debian-faq: each FAQ question (its heading, section number removed) is
                       the query; its answer (the section body, heading removed) is the one
                       relevant document (queries.<lang>.tsv, qrels.<lang>.tsv, TREC format).
                       Only questions present in both languages (same section id) are used, so
                       Chinese and English are compared on the same questions.
ref.title.<lang>       debian-reference, en / zh-cn / zh-tw: known-item search. The query is a
                       section's title (its heading, section number removed) and the relevant
                       document is that section. Sections used: those present in all three
                       languages whose title is unique within each language, so every language
                       is asked about the same section ids. (The heading is also the section's
                       first line: an easy, known-item sanity check of each language.)
ref.sentence.<lang>    the same sections; the query is one sentence of the section: the first
                       sentence of its body (after the heading) of 40-200 characters (en) or
                       12-80 characters (zh), not a command line; sections lacking one in any
                       language are left out.
ref.cross.cn>tw        cross-script: the simplified (zh-cn) title searched in the traditional
ref.cross.tw>cn        (zh-tw) section folder, and the reverse. archive folds traditional to
                       simplified at index and query time; FTS5 has no folding.

Each language folder is its own archive (`archive --archive DIR/<corpus>/<lang> --index …`)
and its own FTS5 table, so every query searches one language's documents.

archive
-------
Every index is rebuilt from scratch with the real binary (`archive index`; --bin, default
target/x86_64-unknown-linux-gnu/release/archive, else target/release/archive), then each query
is run as a user would type it: `archive search --no-update --json --limit 30 -- QUERY`
(default --per-story 3; all words required, partial matches when no passage holds them all).
Hits are passages: they are collapsed to distinct documents (story ids) in rank order and cut at 10.
When archive rejects a query's syntax (exit 2, e.g. an unbalanced quote), it is run again with
quote characters and leading `-` removed; the table counts these retries.

SQLite FTS5
-----------
One row per document (the whole file), ranked with ORDER BY bm25(): documents, not passages.
  English  tokenize='porter unicode61'. Query: the OR of the query's distinct tokens
           (runs of letters and digits, as unicode61 splits them), each double-quoted.
  Chinese  tokenize='trigram' (case-insensitive). Query: the OR of the query's runs of Han
           characters, each double-quoted (a run matches as a substring), plus its
           Latin/digit tokens, each quoted. Trigram cannot match a string shorter than 3
           characters, so shorter runs and tokens are dropped; a query left with nothing
           cannot match anything ("unmatchable" in the table).
  fts5 trigram, every trigram (an extra, stronger baseline row for Chinese): the OR of every
           distinct 3-character substring of each Han run (and the quoted Latin tokens), so a
           long run need not occur verbatim.

Metrics
-------
MRR@10: mean over queries of 1/rank of the first relevant document within the first 10
distinct documents (0 when none). recall@10: mean over queries of the share of relevant
documents within the first 10 (one relevant document per query here, so the share of queries
answered within 10). Aims (the issue): faq.zh-cn MRR@10 >= 0.9 x faq.en MRR@10, and
faq.zh-cn MRR@10 >= FTS5 trigram MRR@10 + 0.15. Rebuilding an index can move archive's
figures by about 0.003: its writer uses two threads, so passages with equal scores may come out
in another order.

When `archive index` exits non-zero but has committed the index (its self-test complaining),
the run goes on and the output ends with a warning naming the folder.

--details FILE writes every query's result (JSON Lines) for failure analysis; --failures N
prints the N first missed queries of each Chinese set.
"""

import argparse
import concurrent.futures as futures
import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CUTOFF = 10
FETCH = 30
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
HAN_RUN = re.compile(f"[{HAN}]+")
WORD = re.compile(r"[^\W_]+")
LATIN_TOKEN = re.compile(f"[^\\W_{HAN}]+")
SECTION_NUMBER = re.compile(r"^(?:[A-Z]|\d+)(?:\.\d+)*\.\s+")


WARNINGS = []


def die(msg):
    print(f"quality.py: {msg}", file=sys.stderr)
    sys.exit(2)


# ------------------------------------------------------------------ corpora


def ensure_corpora(corpora, names, script):
    missing = [n for n in names if not (corpora / n / "manifest.tsv").exists()]
    if not missing:
        return
    if os.geteuid() != 0:
        die(f"{corpora} lacks {', '.join(missing)}; run as root to build them, or pass --corpora")
    if not any(Path("/var/lib/apt/lists").glob("*Packages*")):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
    print(f"building corpora {' '.join(missing)} in {corpora} …", file=sys.stderr)
    subprocess.run(["bash", str(script), str(corpora), *missing], check=True)


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def manifest(corpus_dir):
    """{lang: {docid: title}} from manifest.tsv."""
    out = {}
    for row in read_tsv(corpus_dir / "manifest.tsv")[1:]:
        out.setdefault(row[1], {})[row[2]] = row[5] if len(row) > 5 else ""
    return out


def faq_sets(corpora):
    base = corpora / "debian-faq"
    per_lang = {}
    for qfile in sorted(base.glob("queries.*.tsv")):
        lang = qfile.name[len("queries.") : -len(".tsv")]
        rels = {}
        for qid, _, doc, grade in read_tsv(base / f"qrels.{lang}.tsv"):
            if int(grade) > 0:
                rels.setdefault(qid, set()).add(doc)
        queries = {}
        for qid, text in read_tsv(qfile):
            sid = qid[len(lang) + 1 :]
            queries[sid] = (qid, text, rels.get(qid, set()))
        per_lang[lang] = queries
    common = set.intersection(*(set(q) for q in per_lang.values()))
    sets = []
    for lang, queries in per_lang.items():
        qs = [queries[sid] for sid in sorted(common) if queries[sid][2]]
        sets.append(dict(name=f"faq.{lang}", folder=base / lang, zh=lang.startswith("zh"), queries=qs))
    return sets


def first_sentence(body, zh):
    for para in body.split("\n\n"):
        para = para.strip()
        if not para or para[0] in "$#" or "\n" in para:
            continue
        if zh:
            for s in re.split(r"(?<=[。！？])", para):
                s = s.strip()
                if 12 <= len(s) <= 80 and len(HAN_RUN.findall(s)) > 0:
                    return s
        else:
            for s in re.split(r"(?<=[.!?])\s+", para):
                s = s.strip()
                if 40 <= len(s) <= 200:
                    return s
    return None


def reference_sets(corpora):
    base = corpora / "debian-reference"
    langs = ["en", "zh-cn", "zh-tw"]
    titles = manifest(base)
    sids = set.intersection(*(set(titles[l]) for l in langs))
    unique = {}
    for lang in langs:
        norm = {sid: SECTION_NUMBER.sub("", titles[lang][sid]).strip() for sid in sids}
        counts = {}
        for t in norm.values():
            counts[t] = counts.get(t, 0) + 1
        unique[lang] = {sid: t for sid, t in norm.items() if t and counts[t] == 1}
    common = sorted(set.intersection(*(set(unique[l]) for l in langs)))
    sentences = {}
    for lang in langs:
        sentences[lang] = {}
        for sid in common:
            text = (base / lang / f"{sid}.txt").read_text(encoding="utf-8")
            body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
            s = first_sentence(body, lang != "en")
            if s:
                sentences[lang][sid] = s
    with_sentence = [sid for sid in common if all(sid in sentences[l] for l in langs)]
    sets = []
    for lang in langs:
        sets.append(dict(name=f"ref.title.{lang}", folder=base / lang, zh=lang != "en",
                         queries=[(f"{lang}-{sid}", unique[lang][sid], {sid}) for sid in common]))
    for lang in langs:
        sets.append(dict(name=f"ref.sentence.{lang}", folder=base / lang, zh=lang != "en",
                         queries=[(f"{lang}-{sid}", sentences[lang][sid], {sid}) for sid in with_sentence]))
    for src, dst, tag in [("zh-cn", "zh-tw", "cn>tw"), ("zh-tw", "zh-cn", "tw>cn")]:
        sets.append(dict(name=f"ref.cross.{tag}", folder=base / dst, zh=True,
                         queries=[(f"{src}>{dst}-{sid}", unique[src][sid], {sid}) for sid in common]))
    return sets


# ------------------------------------------------------------------ archive


def build_index(binary, folder, index):
    if index.exists():
        shutil.rmtree(index)
    index.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    run = subprocess.run([str(binary), "--archive", str(folder), "--index", str(index), "index"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        if not (index / "meta.json").exists():
            die(f"archive index {folder} failed: {run.stderr.strip()}")
        # The index was committed but `archive index` complained (e.g. its self-test): say so.
        last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
        WARNINGS.append(f"`archive index` on {folder.parent.name}/{folder.name} exited "
                        f"{run.returncode}: {last}")
    return time.monotonic() - start


def sanitize(query):
    q = re.sub(r"[\"“”「」]", " ", query)
    return re.sub(r"(^|\s)-+", r"\1", q)


def archive_search(binary, folder, index, query):
    """(distinct docs in rank order, partial, retried, exit code)."""
    retried = False
    for attempt in (query, sanitize(query)):
        run = subprocess.run(
            [str(binary), "--archive", str(folder), "--index", str(index),
             "search", "--no-update", "--json", "--limit", str(FETCH), "--", attempt],
            capture_output=True, text=True)
        if run.returncode != 2:
            break
        retried = True
    if run.returncode == 2:
        return [], False, retried, 2
    docs, partial = [], False
    for line in run.stdout.splitlines():
        hit = json.loads(line)
        partial = partial or hit.get("partial", False)
        if hit["doc"] not in docs:
            docs.append(hit["doc"])
    return docs, partial, retried, run.returncode


# ------------------------------------------------------------------ FTS5


def fts_table(folder, zh):
    db = sqlite3.connect(":memory:")
    tok = "trigram" if zh else "porter unicode61"
    db.execute(f"CREATE VIRTUAL TABLE d USING fts5(docid UNINDEXED, body, tokenize='{tok}')")
    rows = ((p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt")))
    db.executemany("INSERT INTO d VALUES (?, ?)", rows)
    db.commit()
    return db


def quoted(s):
    return '"' + s.replace('"', '""') + '"'


def fts_english(query):
    toks = list(dict.fromkeys(t.lower() for t in WORD.findall(query)))
    return " OR ".join(quoted(t) for t in toks)


def latin_tokens(query):
    return [t for t in dict.fromkeys(t.lower() for t in LATIN_TOKEN.findall(query)) if len(t) >= 3]


def fts_runs(query):
    runs = [r for r in dict.fromkeys(HAN_RUN.findall(query)) if len(r) >= 3]
    return " OR ".join(quoted(t) for t in runs + latin_tokens(query))


def fts_trigrams(query):
    grams = []
    for r in HAN_RUN.findall(query):
        grams.extend(r[i : i + 3] for i in range(len(r) - 2))
    grams = list(dict.fromkeys(grams))
    return " OR ".join(quoted(t) for t in grams + latin_tokens(query))


def fts_search(db, expr):
    if not expr:
        return None
    rows = db.execute("SELECT docid FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?", (expr, CUTOFF))
    return [r[0] for r in rows]


# ------------------------------------------------------------------ metrics


def score(docs, relevant):
    top = (docs or [])[:CUTOFF]
    rr = next((1.0 / (i + 1) for i, d in enumerate(top) if d in relevant), 0.0)
    recall = len(relevant & set(top)) / len(relevant)
    return rr, recall


def mean(xs):
    return sum(xs) / len(xs) if xs else 0.0


def evaluate(qset, binary, work, jobs, details):
    folder = qset["folder"]
    index = work / "index" / f"{folder.parent.name}-{folder.name}"
    if not (index / "meta.json").exists():
        qset["index_seconds"] = build_index(binary, folder, index)
    queries = qset["queries"]
    with futures.ThreadPoolExecutor(jobs) as pool:
        answers = list(pool.map(lambda q: archive_search(binary, folder, index, q[1]), queries))
    db = fts_table(folder, qset["zh"])
    engines = {"archive": [], "fts5": []}
    if qset["zh"]:
        engines["fts5 every trigram"] = []
    stats = dict(partial=0, nohit=0, retried=0, unmatchable=0)
    for (qid, text, rel), (docs, partial, retried, code) in zip(queries, answers):
        stats["partial"] += partial
        stats["nohit"] += not docs
        stats["retried"] += retried
        engines["archive"].append(score(docs, rel))
        expr = fts_runs(text) if qset["zh"] else fts_english(text)
        fdocs = fts_search(db, expr)
        stats["unmatchable"] += fdocs is None
        engines["fts5"].append(score(fdocs, rel))
        record = dict(set=qset["name"], qid=qid, query=text, relevant=sorted(rel),
                      archive=docs[:CUTOFF], archive_rr=engines["archive"][-1][0],
                      partial=partial, retried=retried, exit=code,
                      fts5_query=expr, fts5=fdocs, fts5_rr=engines["fts5"][-1][0])
        if qset["zh"]:
            gexpr = fts_trigrams(text)
            gdocs = fts_search(db, gexpr)
            engines["fts5 every trigram"].append(score(gdocs, rel))
            record["fts5_trigrams_rr"] = engines["fts5 every trigram"][-1][0]
        details.append(record)
    qset["results"] = {e: (mean([s[0] for s in v]), mean([s[1] for s in v])) for e, v in engines.items()}
    qset["stats"] = stats
    return qset


# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", type=Path,
                    default=Path(os.environ.get("ARCHIVE_CORPORA", ROOT / "target" / "corpora")))
    ap.add_argument("--bin", type=Path, default=next(
        (p for p in [ROOT / "target" / "x86_64-unknown-linux-gnu" / "release" / "archive",
                     ROOT / "target" / "release" / "archive"] if p.exists()),
        ROOT / "target" / "x86_64-unknown-linux-gnu" / "release" / "archive"))
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "quality",
                    help="where the indexes are built (default target/quality)")
    ap.add_argument("--make-corpora", type=Path, default=ROOT / "benches" / "corpora" / "make_corpora.sh")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--sets", default="", help="comma-separated prefixes of set names (default all)")
    ap.add_argument("--details", type=Path, help="write each query's result here (JSON Lines)")
    ap.add_argument("--failures", type=int, default=0, help="print N missed Chinese queries per set")
    args = ap.parse_args()

    binary = args.bin.resolve()
    if not binary.exists():
        die(f"no binary at {binary}: run `cargo build --release` first, or pass --bin")
    corpora = args.corpora.resolve()
    ensure_corpora(corpora, ["debian-faq", "debian-reference"], args.make_corpora)
    sets = faq_sets(corpora) + reference_sets(corpora)
    if args.sets:
        prefixes = args.sets.split(",")
        sets = [s for s in sets if any(s["name"].startswith(p) for p in prefixes)]
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version}, SQLite {sqlite3.sqlite_version}, {datetime.date.today()}, corpora {corpora}",
          file=sys.stderr)

    work = args.work.resolve()
    for folder in {s["folder"] for s in sets}:  # fresh indexes every run
        shutil.rmtree(work / "index" / f"{folder.parent.name}-{folder.name}", ignore_errors=True)
    details = []
    for qset in sets:
        t = time.monotonic()
        evaluate(qset, binary, work, args.jobs, details)
        print(f"  {qset['name']}: {len(qset['queries'])} queries, {time.monotonic() - t:.0f} s",
              file=sys.stderr)

    print()
    print("| query set | queries | archive MRR@10 | archive recall@10 | FTS5 MRR@10 | FTS5 recall@10 "
          "| archive partial / no hit | FTS5 unmatchable |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in sets:
        a, f, st = s["results"]["archive"], s["results"]["fts5"], s["stats"]
        tok = "trigram" if s["zh"] else "porter"
        print(f"| {s['name']} | {len(s['queries'])} | {a[0]:.3f} | {a[1]:.3f} | {f[0]:.3f} ({tok}) "
              f"| {f[1]:.3f} | {st['partial']} / {st['nohit']} | {st['unmatchable']} |")
    extra = [s for s in sets if "fts5 every trigram" in s["results"]]
    if extra:
        print()
        print("| query set | FTS5 every-trigram MRR@10 | recall@10 |")
        print("| --- | ---: | ---: |")
        for s in extra:
            g = s["results"]["fts5 every trigram"]
            print(f"| {s['name']} | {g[0]:.3f} | {g[1]:.3f} |")
    retried = sum(s["stats"]["retried"] for s in sets)
    if retried:
        print(f"\n{retried} queries were re-run without quotes after a syntax error.")

    for w in WARNINGS:
        print(f"\nwarning: {w}")

    by = {s["name"]: s for s in sets}
    if "faq.en" in by and any(n.startswith("faq.zh") for n in by):
        en = by["faq.en"]["results"]["archive"][0]
        print()
        for name in sorted(n for n in by if n.startswith("faq.zh")):
            zh = by[name]["results"]["archive"][0]
            fts = by[name]["results"]["fts5"][0]
            ok1, ok2 = zh >= 0.9 * en, zh >= fts + 0.15
            print(f"aim 1: {name} MRR@10 {zh:.3f} >= 0.9 x faq.en {en:.3f} = {0.9 * en:.3f}: "
                  f"{'met' if ok1 else 'MISSED'}")
            print(f"aim 2: {name} MRR@10 {zh:.3f} >= FTS5 trigram {fts:.3f} + 0.15 = {fts + 0.15:.3f}: "
                  f"{'met' if ok2 else 'MISSED'}")

    if args.failures:
        for s in sets:
            if not s["zh"]:
                continue
            missed = [d for d in details if d["set"] == s["name"] and d["archive_rr"] < 1.0]
            print(f"\n{s['name']}: {len(missed)} queries not answered at rank 1")
            for d in missed[: args.failures]:
                print(f"  {d['qid']}: {d['query']}  → rr {d['archive_rr']:.2f}"
                      f"{' partial' if d['partial'] else ''}; top {d['archive'][:3]}")
    if args.details:
        with open(args.details, "w", encoding="utf-8") as f:
            for d in details:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
