"""The peers of benches/quality.py: Lucene BM25 (Anserini), SQLite FTS5 and Xapian.

How each is fetched, built and queried is told in quality.py's header. For the bench only.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

CUTOFF = 10
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
HAN_RUN = re.compile(f"[{HAN}]+")
WORD = re.compile(r"[^\W_]+")
LATIN_TOKEN = re.compile(f"[^\\W_{HAN}]+")
PYSERINI = "pyserini==0.22.1"
ANSERINI_JAR = "pyserini/resources/jars/anserini-0.22.1-fatjar.jar"
SYSTEM_PYTHON = Path("/usr/bin/python3")


def die(msg):
    print(f"quality.py: {msg}", file=sys.stderr)
    sys.exit(2)


# ------------------------------------------------------------------ peers' software


def apt_install(packages):
    if os.geteuid() != 0:
        die(f"needs the Debian packages {' '.join(packages)}; run as root to install them")
    if not any(Path("/var/lib/apt/lists").glob("*Packages*")):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
    print(f"installing {' '.join(packages)} …", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
                   check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def ensure_xapian():
    """Import xapian, installing Debian's bindings (and re-running under their python3) if needed."""
    try:
        import xapian  # noqa: PLC0415 (optional peer, only this bench needs it)

        return xapian
    except ImportError:
        pass
    probe = [str(SYSTEM_PYTHON), "-c", "import xapian"]
    if not SYSTEM_PYTHON.exists() or subprocess.run(probe, capture_output=True).returncode != 0:
        apt_install(["python3-xapian"])
    if Path(sys.executable).resolve() == SYSTEM_PYTHON.resolve():
        die("python3-xapian is installed but `import xapian` fails")
    # Debian's bindings are built for Debian's python3, not for another interpreter.
    os.execv(SYSTEM_PYTHON, [str(SYSTEM_PYTHON), *sys.argv])


def ensure_anserini(peers_dir):
    """The Anserini fat jar, unzipped from the pinned pyserini wheel; and a java to run it."""
    if not shutil.which("java"):
        apt_install(["openjdk-17-jre-headless"])
    jar = peers_dir / Path(ANSERINI_JAR).name
    if jar.exists():
        return jar
    peers_dir.mkdir(parents=True, exist_ok=True)
    print(f"fetching {PYSERINI} from PyPI for its Anserini jar …", file=sys.stderr)
    with tempfile.TemporaryDirectory(dir=peers_dir) as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", PYSERINI,
                        "-d", tmp], check=True)
        wheel = next(Path(tmp).glob("pyserini-*.whl"))
        with zipfile.ZipFile(wheel) as z, z.open(ANSERINI_JAR) as src, open(f"{jar}.part", "wb") as dst:
            shutil.copyfileobj(src, dst)
    os.replace(f"{jar}.part", jar)
    return jar


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


# ------------------------------------------------------------------ Lucene (Anserini)


def lucene_index(jar, folder, zh, index):
    shutil.rmtree(index, ignore_errors=True)
    docs = index.parent / f"{index.name}.input"
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    with open(docs / "docs.jsonl", "w", encoding="utf-8") as f:
        for p in sorted(folder.glob("*.txt")):
            f.write(json.dumps({"id": p.stem, "contents": p.read_text(encoding="utf-8")},
                               ensure_ascii=False) + "\n")
    lang = ["-language", "zh"] if zh else []
    run = subprocess.run(["java", "-cp", str(jar), "io.anserini.index.IndexCollection",
                          "-collection", "JsonCollection", "-generator", "DefaultLuceneDocumentGenerator",
                          "-input", str(docs), "-index", str(index), "-threads", "2", *lang],
                         capture_output=True, text=True)
    shutil.rmtree(docs)
    if run.returncode != 0:
        die(f"Anserini could not index {folder}: {run.stderr.strip()[-500:]}")


def lucene_search(jar, index, zh, texts):
    """Top documents per query text, in order."""
    with tempfile.TemporaryDirectory() as tmp:
        topics, out = Path(tmp) / "topics.tsv", Path(tmp) / "run.txt"
        with open(topics, "w", encoding="utf-8") as f:
            for i, text in enumerate(texts):
                f.write(f"q{i}\t{' '.join(text.split())}\n")
        lang = ["-language", "zh"] if zh else []
        run = subprocess.run(["java", "-cp", str(jar), "io.anserini.search.SearchCollection",
                              "-index", str(index), "-topics", str(topics), "-topicreader", "TsvString",
                              "-output", str(out), "-bm25", "-hits", str(CUTOFF), *lang],
                             capture_output=True, text=True)
        if run.returncode != 0:
            die(f"Anserini could not search {index}: {run.stderr.strip()[-500:]}")
        ranked = {}
        for line in out.read_text(encoding="utf-8").splitlines():
            qid, _, doc, rank = line.split()[:4]
            ranked.setdefault(qid, []).append((int(rank), doc))
    return [[d for _, d in sorted(ranked.get(f"q{i}", []))] for i in range(len(texts))]


# ------------------------------------------------------------------ Xapian


def xapian_db(xapian, folder, zh):
    db = xapian.WritableDatabase("", xapian.DB_BACKEND_INMEMORY)
    gen = xapian.TermGenerator()
    if zh:
        gen.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    else:
        gen.set_stemmer(xapian.Stem("english"))
    for p in sorted(folder.glob("*.txt")):
        doc = xapian.Document()
        gen.set_document(doc)
        gen.index_text(p.read_text(encoding="utf-8"))
        doc.set_data(p.stem)
        db.add_document(doc)
    return db


def xapian_search(xapian, db, zh, text):
    parser = xapian.QueryParser()
    parser.set_database(db)
    flags = 0
    if zh:
        flags = xapian.QueryParser.FLAG_CJK_NGRAM
    else:
        parser.set_stemmer(xapian.Stem("english"))
        parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    try:
        query = parser.parse_query(text, flags)
    except xapian.QueryParserError:
        return []
    enquire = xapian.Enquire(db)
    enquire.set_query(query)
    return [m.document.get_data().decode() for m in enquire.get_mset(0, CUTOFF)]
