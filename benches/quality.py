#!/usr/bin/env python3
"""Search quality of `archive` against Lucene BM25, SQLite FTS5 and Xapian, on real corpora.

Usage (from the repository root):

    cargo build --release
    python3 benches/quality.py [--corpora DIR] [--bin PATH] [--sets PREFIX,…]
                               [--details FILE] [--failures N] [--jobs N]

Prints, per query set, archive's MRR@10 and recall@10 against the best of its peers, whether
the target (archive MRR@10 >= best peer + 0.02) is met, every engine's figures, then the
issue's other targets. Progress goes to stderr, the Markdown tables to stdout.

What it needs, and fetches itself when missing (as root, on Debian; nothing is installed for CI
or for the program, these peers are for this bench only):
  Lucene   Anserini 0.22.1's fat jar, taken from the `pyserini==0.22.1` wheel on PyPI
           (`pip download --no-deps pyserini==0.22.1`, then unzipped:
           pyserini/resources/jars/anserini-0.22.1-fatjar.jar; none of pyserini's Python
           dependencies are installed) into WORK/peers/; run with `java` (Debian's
           openjdk-17-jre-headless, installed by apt-get when missing).
  Xapian   Debian's python3-xapian (1.4.22 on bookworm; apt-get when missing). Debian's
           bindings are built for Debian's /usr/bin/python3: when the running python3 cannot
           import xapian (e.g. a pyenv one), the script re-runs itself under /usr/bin/python3.
  FTS5     Python's sqlite3 module, with FTS5 and the trigram tokenizer (SQLite >= 3.34).

Corpora
-------
Built by `../shared/corpora/make_corpora.sh DIR debian-faq debian-reference manpages-zh` (the
team's shared corpus script, next to the repository; it installs Debian documentation packages
and extracts one UTF-8 file per document: DIR/<corpus>/<lang>/<docid>.txt). When DIR lacks a
corpus this script runs it (as root only; `apt-get update` first when the package lists are
empty). Default DIR: $ARCHIVE_CORPORA, else target/corpora. Corpora are never committed.

Query sets (each query has one relevant document)
-------------------------------------------------
faq.en, faq.zh-cn      debian-faq: each FAQ question (its heading, section number removed) is
                       the query; its answer (the section body, heading removed) is the one
                       relevant document (queries.<lang>.tsv, qrels.<lang>.tsv, TREC format).
                       Only questions present in both languages (same section id) are used, so
                       Chinese and English are compared on the same questions.
faq.en>zh-cn           cross-language: the English questions searched among the Chinese
                       (zh-cn) answers, the relevant document being the same section id.
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
                       simplified at index and query time; the peers have no folding.
man.name.<lang>        manpages-zh, zh_CN / zh_TW: a page's NAME line without the command
                       names (`ac - 输出用户连接时间` asks `输出用户连接时间`), the page is the
                       relevant document. Pages used: those in both languages whose description
                       holds at least 4 Han characters and is unique within each language.
                       (zh_TW is not a script conversion of zh_CN: it says 使用者 / 連線 where
                       zh_CN says 用户 / 连接.)
man.cross.cn>tw        cross-script: the zh_CN description searched among the zh_TW pages, and
man.cross.tw>cn        the reverse.

Each language folder is its own archive (`archive --archive DIR/<corpus>/<lang> --index …`),
its own FTS5 table, Lucene index and Xapian database, so every query searches one language's
documents.

archive
-------
Every index is rebuilt from scratch with the real binary (`archive index`; --bin, default
target/x86_64-unknown-linux-gnu/release/archive, else target/release/archive), then each query
is run as a user would type it: `archive search --no-update --json --limit 30 -- QUERY`
(default --per-story 3). Hits are passages: they are collapsed to distinct documents (story
ids) in rank order and cut at 10. When archive rejects a query's syntax (exit 2, e.g. an
unbalanced quote), it is run again with quote characters and leading `-` removed; the table
counts these retries.

Peers (one document per file, the whole file; documents, not passages; their defaults)
-----
Lucene   Anserini 0.22.1 `IndexCollection -collection JsonCollection -generator
         DefaultLuceneDocumentGenerator` (English: its default analyzer, Porter stemming and
         stopwords; Chinese: `-language zh`, Lucene's CJKAnalyzer, overlapping bigrams), searched
         with `SearchCollection -topicreader TsvString -bm25 -hits 10` (k1 0.9, b 0.4; the query
         is a bag of its analyzed words).
FTS5     English: tokenize='porter unicode61', the query is the OR of the query's distinct
         tokens (runs of letters and digits, as unicode61 splits them), each double-quoted.
         Chinese: tokenize='trigram' (case-insensitive), the query is the OR of the query's
         runs of Han characters, each double-quoted (a run matches as a substring), plus its
         Latin/digit tokens, each quoted. Trigram cannot match a string shorter than 3
         characters, so shorter runs and tokens are dropped; a query left with nothing cannot
         match anything ("unmatchable" in the table). Ranked with ORDER BY bm25().
FTS5 every trigram  (Chinese only, a stronger FTS5 query): the OR of every distinct
         3-character substring of each Han run (and the quoted Latin tokens).
Xapian   python3-xapian, BM25 (its default weighting). English: TermGenerator and QueryParser
         with the English stemmer (STEM_SOME); Chinese: FLAG_CJK_NGRAM on both sides (Han
         unigrams and bigrams). The query is parsed as plain words (no boolean syntax), OR-ed.

Metrics
-------
MRR@10: mean over queries of 1/rank of the first relevant document within the first 10
distinct documents (0 when none). recall@10: mean over queries of the share of relevant
documents within the first 10 (one relevant document per query here, so the share of queries
answered within 10). The best peer of a set is the peer (FTS5 counted with either of its
queries) with the highest MRR@10. Targets (issue 12): every set archive >= best peer + 0.02;
faq.en and faq.zh-cn >= 0.52; faq.zh-cn >= 0.9 x faq.en; cross-script titles >= 0.90 both
ways; debian-reference titles >= 0.94. Rebuilding an index can move archive's figures by about
0.003: its writer uses two threads, so passages with equal scores may come out in another order.

When `archive index` exits non-zero but has committed the index (its self-test complaining),
the run goes on and the output ends with a warning naming the folder.

--details FILE writes every query's result (JSON Lines) for failure analysis; --failures N
prints the N first queries of each set that archive does not answer at rank 1.
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

from quality_peers import (CUTOFF, HAN_RUN, die, ensure_anserini, ensure_xapian, fts_english,
                           fts_runs, fts_search, fts_table, fts_trigrams, lucene_index,
                           lucene_search, xapian_db, xapian_search)

ROOT = Path(__file__).resolve().parent.parent
FETCH = 30
SECTION_NUMBER = re.compile(r"^(?:[A-Z]|\d+)(?:\.\d+)*\.\s+")
PEERS = ["lucene", "fts5", "fts5 every trigram", "xapian"]
PEER_LABEL = {"lucene": "Lucene BM25", "fts5": "FTS5", "fts5 every trigram": "FTS5 every trigram",
              "xapian": "Xapian"}
WARNINGS = []


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
    if {"en", "zh-cn"} <= set(per_lang):
        # Cross-language: the English questions searched among the Chinese answers (same ids).
        en, zh = per_lang["en"], per_lang["zh-cn"]
        qs = [(en[sid][0], en[sid][1], zh[sid][2]) for sid in sorted(common) if zh[sid][2]]
        sets.append(dict(name="faq.en>zh-cn", folder=base / "zh-cn", zh=True, queries=qs))
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


MAN_HEADER = re.compile(r"^(?:NAME|名称|名稱|名字)")
MAN_NAMES = re.compile(r"^.*?\s[-—]\s*")


def man_description(path):
    """The NAME line's description (after `cmd - `), or None."""
    lines = path.read_text(encoding="utf-8").splitlines()[:8]
    for i, line in enumerate(lines):
        if MAN_HEADER.match(line.strip()):
            rest = next((l.strip() for l in lines[i + 1 :] if l.strip()), "")
            desc = MAN_NAMES.sub("", rest, count=1).strip()
            return desc if desc != rest and len("".join(HAN_RUN.findall(desc))) >= 4 else None
    return None


def manpage_sets(corpora):
    base = corpora / "manpages-zh"
    langs = ["zh_CN", "zh_TW"]
    desc = {}
    for lang in langs:
        found = {p.stem: man_description(p) for p in sorted((base / lang).glob("*.txt"))}
        counts = {}
        for d in found.values():
            counts[d] = counts.get(d, 0) + 1
        desc[lang] = {doc: d for doc, d in found.items() if d and counts[d] == 1}
    common = sorted(set.intersection(*(set(desc[l]) for l in langs)))
    sets = [dict(name=f"man.name.{lang}", folder=base / lang, zh=True,
                 queries=[(f"{lang}-{doc}", desc[lang][doc], {doc}) for doc in common]) for lang in langs]
    for src, dst, tag in [("zh_CN", "zh_TW", "cn>tw"), ("zh_TW", "zh_CN", "tw>cn")]:
        sets.append(dict(name=f"man.cross.{tag}", folder=base / dst, zh=True,
                         queries=[(f"{src}>{dst}-{doc}", desc[src][doc], {doc}) for doc in common]))
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


# ------------------------------------------------------------------ metrics


def score(docs, relevant):
    top = (docs or [])[:CUTOFF]
    rr = next((1.0 / (i + 1) for i, d in enumerate(top) if d in relevant), 0.0)
    recall = len(relevant & set(top)) / len(relevant)
    return rr, recall


def mean(xs):
    return sum(xs) / len(xs) if xs else 0.0


class Folder:
    """One language folder, indexed once by every engine."""

    def __init__(self, folder, zh, binary, jar, xapian, work):
        name = f"{folder.parent.name}-{folder.name}"
        self.path, self.zh = folder, zh
        self.index = work / "index" / name
        build_index(binary, folder, self.index)
        self.lucene = work / "lucene" / name
        lucene_index(jar, folder, zh, self.lucene)
        self.fts = fts_table(folder, zh)
        self.xapian = xapian_db(xapian, folder, zh)


def evaluate(qset, folder, binary, jar, xapian, jobs, details):
    queries = qset["queries"]
    texts = [q[1] for q in queries]
    with futures.ThreadPoolExecutor(jobs) as pool:
        answers = list(pool.map(lambda t: archive_search(binary, folder.path, folder.index, t), texts))
    ranked = {"lucene": lucene_search(jar, folder.lucene, folder.zh, texts)}
    exprs = {"fts5": [fts_runs(t) if folder.zh else fts_english(t) for t in texts]}
    if folder.zh:
        exprs["fts5 every trigram"] = [fts_trigrams(t) for t in texts]
    for engine, es in exprs.items():
        ranked[engine] = [fts_search(folder.fts, e) for e in es]
    ranked["xapian"] = [xapian_search(xapian, folder.xapian, folder.zh, t) for t in texts]
    scores = {e: [] for e in ["archive", *ranked]}
    stats = dict(partial=0, nohit=0, retried=0, unmatchable=sum(d is None for d in ranked["fts5"]))
    for i, ((qid, text, rel), (docs, partial, retried, code)) in enumerate(zip(queries, answers)):
        stats["partial"] += partial
        stats["nohit"] += not docs
        stats["retried"] += retried
        scores["archive"].append(score(docs, rel))
        record = dict(set=qset["name"], qid=qid, query=text, relevant=sorted(rel),
                      archive=docs[:CUTOFF], archive_rr=scores["archive"][-1][0],
                      partial=partial, retried=retried, exit=code, fts5_query=exprs["fts5"][i])
        for engine, docs_of in ranked.items():
            scores[engine].append(score(docs_of[i], rel))
            record[engine] = docs_of[i]
            record[f"{engine}_rr"] = scores[engine][-1][0]
        details.append(record)
    qset["results"] = {e: (mean([s[0] for s in v]), mean([s[1] for s in v])) for e, v in scores.items()}
    qset["stats"] = stats
    return qset


# ------------------------------------------------------------------ report


def best_peer(results):
    return max((e for e in PEERS if e in results), key=lambda e: results[e][0])


def report(sets, details, failures):
    print()
    print("| query set | queries | archive MRR@10 | archive recall@10 | best peer | peer MRR@10 "
          "| peer recall@10 | archive − peer | target: archive ≥ peer + 0.02 |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |")
    for s in sets:
        r = s["results"]
        a, peer = r["archive"], best_peer(r)
        p = r[peer]
        met = "met" if a[0] >= p[0] + 0.02 else "**missed**"
        print(f"| {s['name']} | {len(s['queries'])} | {a[0]:.3f} | {a[1]:.3f} | {PEER_LABEL[peer]} "
              f"| {p[0]:.3f} | {p[1]:.3f} | {a[0] - p[0]:+.3f} | {met} |")
    print()
    print("Every engine, MRR@10 / recall@10:")
    print()
    print("| query set | archive | " + " | ".join(PEER_LABEL[e] for e in PEERS)
          + " | archive partial / no hit | FTS5 unmatchable |")
    print("| --- | ---: | " + " | ".join("---:" for _ in PEERS) + " | ---: | ---: |")
    for s in sets:
        r, st = s["results"], s["stats"]
        cells = [f"{r[e][0]:.3f} / {r[e][1]:.3f}" if e in r else "—" for e in ["archive", *PEERS]]
        print(f"| {s['name']} | " + " | ".join(cells)
              + f" | {st['partial']} / {st['nohit']} | {st['unmatchable']} |")
    retried = sum(s["stats"]["retried"] for s in sets)
    if retried:
        print(f"\n{retried} queries were re-run by archive without quotes after a syntax error.")
    for w in WARNINGS:
        print(f"\nwarning: {w}")

    mrr = {s["name"]: s["results"]["archive"][0] for s in sets}
    checks = [(f"{n} MRR@10 ≥ 0.52", mrr[n], 0.52) for n in ("faq.en", "faq.zh-cn") if n in mrr]
    if "faq.en" in mrr and "faq.zh-cn" in mrr:
        checks.append(("faq.zh-cn MRR@10 ≥ 0.9 × faq.en", mrr["faq.zh-cn"], 0.9 * mrr["faq.en"]))
    if "faq.en>zh-cn" in mrr and "faq.zh-cn" in mrr:
        checks.append(("faq.en>zh-cn MRR@10 ≥ 0.8 × faq.zh-cn", mrr["faq.en>zh-cn"],
                       0.8 * mrr["faq.zh-cn"]))
    checks += [(f"{n} MRR@10 ≥ 0.90", v, 0.90) for n, v in mrr.items() if ".cross." in n]
    checks += [(f"{n} MRR@10 ≥ 0.94", v, 0.94) for n, v in mrr.items() if n.startswith("ref.title.")]
    if checks:
        print()
        print("| other target | archive | needed | |")
        print("| --- | ---: | ---: | --- |")
        for label, value, needed in checks:
            print(f"| {label} | {value:.3f} | {needed:.3f} | {'met' if value >= needed else '**missed**'} |")

    for s in sets[: 0 if not failures else len(sets)]:
        missed = [d for d in details if d["set"] == s["name"] and d["archive_rr"] < 1.0]
        print(f"\n{s['name']}: {len(missed)} queries not answered at rank 1")
        for d in missed[:failures]:
            peers = ", ".join(f"{e} {d[e + '_rr']:.2f}" for e in PEERS if e + "_rr" in d)
            print(f"  {d['qid']}: {d['query']}  → rr {d['archive_rr']:.2f}"
                  f"{' partial' if d['partial'] else ''}; top {d['archive'][:3]}; {peers}")


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
                    help="where the indexes and the peers' software go (default target/quality)")
    ap.add_argument("--make-corpora", type=Path,
                    default=ROOT.parent / "shared" / "corpora" / "make_corpora.sh")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--sets", default="", help="comma-separated prefixes of set names (default all)")
    ap.add_argument("--details", type=Path, help="write each query's result here (JSON Lines)")
    ap.add_argument("--failures", type=int, default=0,
                    help="print N queries per set that archive misses at rank 1")
    args = ap.parse_args()

    binary = args.bin.resolve()
    if not binary.exists():
        die(f"no binary at {binary}: run `cargo build --release` first, or pass --bin")
    work = args.work.resolve()
    jar = ensure_anserini(work / "peers")
    xapian = ensure_xapian()
    corpora = args.corpora.resolve()
    ensure_corpora(corpora, ["debian-faq", "debian-reference", "manpages-zh"], args.make_corpora)
    sets = faq_sets(corpora) + reference_sets(corpora) + manpage_sets(corpora)
    if args.sets:
        prefixes = args.sets.split(",")
        sets = [s for s in sets if any(s["name"].startswith(p) for p in prefixes)]
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version}, Anserini 0.22.1, SQLite {sqlite3.sqlite_version}, Xapian "
          f"{xapian.version_string()}, {datetime.date.today()}, corpora {corpora}", file=sys.stderr)

    folders, details = {}, []
    for qset in sets:
        t = time.monotonic()
        if qset["folder"] not in folders:  # fresh indexes every run
            folders[qset["folder"]] = Folder(qset["folder"], qset["zh"], binary, jar, xapian, work)
        evaluate(qset, folders[qset["folder"]], binary, jar, xapian, args.jobs, details)
        print(f"  {qset['name']}: {len(qset['queries'])} queries, {time.monotonic() - t:.0f} s",
              file=sys.stderr)
    report(sets, details, args.failures)
    if args.details:
        with open(args.details, "w", encoding="utf-8") as f:
            for d in details:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
