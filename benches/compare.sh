#!/usr/bin/env bash
# Whole-process comparison of `archive` with its peers, on the same files and the same queries:
#   archive   (this repository's release binary: `archive index`, `archive search --json`)
#   ripgrep   (`rg -i PATTERN DIR`; no index)
#   SQLite    FTS5 (tokenize 'porter unicode61' for English files, 'trigram' for Chinese ones;
#             built by a small python3 script, queried with the sqlite3 shell, 10 rows + snippet)
#   Xapian    (omindex to build, quest -m 10 to query; XAPIAN_CJK_NGRAM=1 where there is Chinese)
#
# Data sets:
#   bundled   the repository's archive/ folder (one story, en.md + zh.md)
#   zh        every Chinese document of $CORPORA (the zh-cn, zh-tw, zh_CN, zh_TW folders of all
#             corpora) whose manifest cjk_ratio is >= $ZH_MIN_CJK (default 0.3: untranslated,
#             mostly-English pages are left out)
#   en        every English document of $CORPORA (the en folders), topped up to $EN_MB MB
#             (default 50) with GNU info manuals (per node; not python3.11.info, which repeats
#             python-doc) and English man pages (sections 1, 5, 8, not perl*), rendered by groff
#             in sorted order until the size is reached
#
# Per tool and data set it reports: index build time (median of $BUILD_RUNS runs on the bundled
# archive, and of $CORPUS_BUILD_RUNS runs of archive on the corpora (default 3: one build's
# time varies by a third on a shared virtual machine), one run of the peers there), throughput (MB of raw text per second), index size and its
# ratio to the raw text, peak resident memory while indexing (/usr/bin/time), and each query's
# median latency (hyperfine --warmup $WARMUP --min-runs $RUNS, output piped and read), then the
# project's targets, met or missed. Two diagnostics are timed too: `archive search` on the corpora
# with no archive folder (so without its freshness check) and each tool's `--version` (process
# start). Markdown goes to stdout and to $BENCH_DIR/results.md; the
# raw hyperfine JSON stays in $BENCH_DIR/results/.
#
# Usage (as root on Debian, from anywhere; installs hyperfine, ripgrep, sqlite3, xapian-tools,
# xapian-omega, time, jq, groff-base when missing, builds the corpora when missing, and builds
# the release binary target/x86_64-unknown-linux-gnu/release/archive):
#   bash benches/compare.sh
# Environment:
#   BENCH_DIR=/tmp/archive-bench   work folder (data copies, indexes, results); never the repo
#   CORPORA=target/corpora         output of make_corpora.sh (built there when missing)
#   SETS="bundled zh en"           which data sets to run
#   EN_MB=50  ZH_MIN_CJK=0.3  RUNS=10  WARMUP=3  BUILD_RUNS=5  CORPUS_BUILD_RUNS=3
#   PREPARE_ONLY=1                 only copy/collect the data sets
#   BASELINE=/path/to/archive      an older archive binary, timed in the same runs on an index it
#                                  built of the same files (not timed; an older index layout may
#                                  differ), a row of its own: before and after side by side
#   REUSE_PEERS=1                  keep FTS5's and Xapian's indexes from an earlier run in
#                                  BENCH_DIR (their build columns are that run's): Xapian takes
#                                  minutes to index the corpora, and only archive changed
# The corpora come from ../shared/corpora/make_corpora.sh "$CORPORA" (the team's shared script, next to
# the repository; Debian packages).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/archive-bench}
CORPORA=${CORPORA:-$REPO/target/corpora}
SETS=${SETS:-bundled zh en}
EN_MB=${EN_MB:-50}
ZH_MIN_CJK=${ZH_MIN_CJK:-0.3}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-3}
BUILD_RUNS=${BUILD_RUNS:-5}
export CORPUS_BUILD_RUNS=${CORPUS_BUILD_RUNS:-3}
BASELINE=${BASELINE:-}
REUSE_PEERS=${REUSE_PEERS:-}
export LC_ALL=C.UTF-8

# Queries: label|language|text. A text of several words is searched as a phrase by every tool.
QUERIES_bundled=(
  "Khorgos|en|Khorgos"
  "dry port|en|dry port"
  "cooperation|en|cooperation"
  "霍尔果斯|zh|霍尔果斯"
  "无水港|zh|无水港"
  "一带一路|zh|一带一路"
)
QUERIES_zh=(
  "软件包|zh|软件包"
  "文件系统|zh|文件系统"
  "命令行参数|zh|命令行参数"
)
QUERIES_en=(
  "filesystem|en|filesystem"
  "garbage collection|en|garbage collection"
  "interrupt handler|en|interrupt handler"
)

die() { echo "compare.sh: $*" >&2; exit 2; }
log() { echo "== $*" >&2; }
case "$BENCH_DIR/" in "$REPO"/*) die "BENCH_DIR must be outside the repository" ;; esac

# --- tools ---------------------------------------------------------------------------------
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v rg >/dev/null || need+=(ripgrep)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v quest >/dev/null || need+=(xapian-tools)
command -v omindex >/dev/null || need+=(xapian-omega)
[ -x /usr/bin/time ] || need+=(time)
command -v jq >/dev/null || need+=(jq)
command -v groff >/dev/null || need+=(groff-base)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
python3 -c "import sqlite3; sqlite3.connect(':memory:').execute(\"create virtual table t using fts5(x, tokenize='trigram')\")" \
  || die "python3's sqlite3 lacks FTS5 with the trigram tokenizer (SQLite >= 3.34 needed)"

log "building the release binary"
(cd "$REPO" && cargo build --release --quiet)
ARCHIVE="$REPO/target/x86_64-unknown-linux-gnu/release/archive"
BIN_BYTES=$(stat -c %s "$ARCHIVE")

mkdir -p "$BENCH_DIR"/{data,idx,results,tmp}
HELPERS="$BENCH_DIR/helpers.py"
cat >"$HELPERS" <<'PY'
"""Helpers for compare.sh: FTS5 builds and the English top-up (info manuals, man pages)."""
import concurrent.futures, glob, gzip, os, re, sqlite3, subprocess, sys

HAN = re.compile(r'[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]')
LETTER = re.compile(r'\w')

def cjk_ratio(text):
    letters = LETTER.findall(text)
    return sum(1 for c in letters if HAN.match(c)) / len(letters) if letters else 0.0

def fts5(db, root):
    """Table `en` (porter unicode61) for files that are mostly not Han, `zh` (trigram) else."""
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE en USING fts5(path UNINDEXED, body, tokenize='porter unicode61')")
    con.execute("CREATE VIRTUAL TABLE zh USING fts5(path UNINDEXED, body, tokenize='trigram')")
    with con:
        for dirpath, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(('.txt', '.md')) or name in ('words.txt', 'variants.txt'):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding='utf-8', errors='replace') as f:
                    body = f.read()
                table = 'zh' if cjk_ratio(body) >= 0.3 else 'en'
                con.execute(f'INSERT INTO {table}(path, body) VALUES (?, ?)',
                            (os.path.relpath(path, root), body))
    for table in ('en', 'zh'):
        con.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
    con.commit()
    con.execute('VACUUM')
    con.close()

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode('utf-8')
    with open(path, 'wb') as f:
        f.write(data)
    return len(data)

def render_man(path):
    return subprocess.run(['bash', '-c', f'zcat -f "{path}" | preconv -e utf-8 | groff -mandoc '
                           '-Tutf8 -rLL=3000n -rHY=0 -P-c -P-b -P-u 2>/dev/null'],
                          capture_output=True).stdout.decode('utf-8', 'replace')

def english_topup(out, have, target):
    """Adds GNU info nodes, then man pages, under `out` until `have` + written >= target."""
    written = 0
    manuals = {}
    for p in sorted(glob.glob('/usr/share/info/*.info*.gz')):
        name = os.path.basename(p).split('.info')[0]
        if not name.startswith('python'):
            manuals.setdefault(name, []).append(p)
    for name, parts in sorted(manuals.items()):
        text = ''.join(gzip.open(p, 'rt', encoding='utf-8', errors='replace').read()
                       for p in sorted(parts, key=lambda p: (len(p), p)))
        for i, node in enumerate(text.split('\x1f')):
            if have + written >= target:
                return written
            if len(node.strip()) > 100:
                written += write(os.path.join(out, 'info', name, f'{i:05}.txt'), node)
    pages = sorted(p for sec in ('man1', 'man5', 'man8')
                   for p in glob.glob(f'/usr/share/man/{sec}/*.gz')
                   if not os.path.islink(p) and not os.path.basename(p).startswith('perl'))
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for start in range(0, len(pages), 64):
            if have + written >= target:
                break
            batch = pages[start:start + 64]
            for p, text in zip(batch, pool.map(render_man, batch)):
                if len(text.strip()) > 100:
                    sec = p.split('/')[-2]
                    written += write(os.path.join(out, 'man', f'{sec}__{os.path.basename(p)[:-3]}.txt'), text)
    return written

if __name__ == '__main__':
    if sys.argv[1] == 'fts5':
        fts5(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'english-topup':
        print(english_topup(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
PY

# --- data ----------------------------------------------------------------------------------
raw_bytes() { find "$1" -type f \( -name '*.txt' -o -name '*.md' \) ! -name words.txt ! -name variants.txt -printf '%s\n' | awk '{s+=$1} END{print s+0}'; }

prepare_bundled() {
  local d="$BENCH_DIR/data/bundled"
  rm -rf "$d" && cp -r "$REPO/archive" "$d"
}

prepare_zh() {
  local d="$BENCH_DIR/data/zh" stamp="zh $ZH_MIN_CJK $(cat "$CORPORA"/*/manifest.tsv | md5sum)"
  [ -f "$d.stamp" ] && [ "$(cat "$d.stamp")" = "$stamp" ] && return
  rm -rf "$d" && mkdir -p "$d"
  awk -F'\t' -v min="$ZH_MIN_CJK" 'FNR > 1 && $2 ~ /^zh/ && $5 + 0 >= min + 0 { print $1 "/" $2 "/" $3 ".txt" }' \
    "$CORPORA"/*/manifest.tsv | (cd "$CORPORA" && xargs cp --parents -t "$d")
  echo "$stamp" >"$d.stamp"
}

prepare_en() {
  local d="$BENCH_DIR/data/en" stamp="en $EN_MB $(cat "$CORPORA"/*/manifest.tsv | md5sum)"
  [ -f "$d.stamp" ] && [ "$(cat "$d.stamp")" = "$stamp" ] && return
  rm -rf "$d" && mkdir -p "$d"
  (cd "$CORPORA" && for c in */; do [ -d "$c/en" ] && cp -r --parents "${c%/}/en" "$d"; done)
  local have target
  have=$(raw_bytes "$d")
  target=$((EN_MB * 1000 * 1000))
  if [ "$have" -lt "$target" ]; then
    log "English corpora hold $((have / 1000000)) MB: adding info manuals and man pages up to $EN_MB MB"
    python3 "$HELPERS" english-topup "$d/extra" "$have" "$target" >/dev/null
  fi
  [ "$(raw_bytes "$d")" -ge "$target" ] || die "could not collect $EN_MB MB of English text"
  echo "$stamp" >"$d.stamp"
}

# --- measuring -----------------------------------------------------------------------------
# sq WORDS: one single-quoted shell word (hyperfine -N splits commands like a POSIX shell).
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# build TOOL SET: builds TOOL's index of SET $n times (from scratch each time); records the
# median wall time, the largest peak RSS and the index size in $BENCH_DIR/results/build.tsv.
build() {
  local tool=$1 set=$2 data="$BENCH_DIR/data/$2" idx="$BENCH_DIR/idx/$1-$2"
  local n=1 times=() cpus=() rss=0 t0 t1 r user sys cjk=()
  [ "$set" = bundled ] && n=$BUILD_RUNS
  [ "$set" != bundled ] && [ "$tool" = archive ] && n=$CORPUS_BUILD_RUNS
  [ "$set" != en ] && cjk=(env XAPIAN_CJK_NGRAM=1)
  for _ in $(seq "$n"); do
    rm -rf "$idx" "$idx.db"
    t0=$(date +%s%N)
    case $tool in
      archive) /usr/bin/time -f "%U %S %M" -o "$BENCH_DIR/tmp/rss" "$ARCHIVE" --archive "$data" --index "$idx" index 2>/dev/null ;;
      fts5) /usr/bin/time -f "%U %S %M" -o "$BENCH_DIR/tmp/rss" python3 "$HELPERS" fts5 "$idx.db" "$data" ;;
      xapian) /usr/bin/time -f "%U %S %M" -o "$BENCH_DIR/tmp/rss" "${cjk[@]}" omindex --db "$idx" --url / -Mmd:text/plain -Mtxt:text/plain \
                -Gwords.txt:skip -Gvariants.txt:skip "$data" >/dev/null ;;
    esac
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000)))
    read -r user sys r < <(tail -1 "$BENCH_DIR/tmp/rss")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN{print u + s}')")
    [ "$r" -gt "$rss" ] && rss=$r
  done
  local median cpu size
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  if [ "$tool" = fts5 ]; then size=$(stat -c %s "$idx.db"); else size=$(du -sb "$idx" | cut -f1); fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$set" "$tool" "$median" "$size" "$rss" "$cpu" >>"$BENCH_DIR/results/build.tsv"
}

# query_cmd TOOL SET LANG TEXT: the command line (for hyperfine -N) searching TEXT.
query_cmd() {
  local tool=$1 set=$2 lang=$3 text=$4 data="$BENCH_DIR/data/$2" idx="$BENCH_DIR/idx/$1-$2" q
  case $tool in
    archive | archive-nofresh | archive-baseline)
      q=$text; [[ $text == *" "* ]] && q="\"$text\""
      # archive-nofresh: the same index with no archive folder, so no freshness check (a
      # diagnostic row: it needs an archive without words.txt, as the corpora are).
      [ "$tool" = archive-nofresh ] && data=/nonexistent && idx="$BENCH_DIR/idx/archive-$set"
      local bin=$ARCHIVE
      [ "$tool" = archive-baseline ] && bin=$BASELINE && idx="$BENCH_DIR/idx/archive-baseline-$set"
      echo "$(sq "$bin") --archive $(sq "$data") --index $(sq "$idx") search --json $(sq "$q")" ;;
    rg) echo "rg -i -g '!words.txt' -g '!variants.txt' $(sq "$text") $(sq "$data")" ;;
    fts5)
      local table=en; [ "$lang" = zh ] && table=zh
      echo "sqlite3 -readonly $(sq "$idx.db") $(sq "SELECT path, replace(snippet($table, 1, '[', ']', '…', 16), char(10), ' ') FROM $table WHERE $table MATCH '\"$text\"' ORDER BY rank LIMIT 10")" ;;
    xapian)
      q=$text; [[ $text == *" "* ]] && q="\"$text\""
      local env=""; [ "$lang" = zh ] && env="env XAPIAN_CJK_NGRAM=1 "
      echo "${env}quest -m 10 -d $(sq "$idx") $(sq "$q")" ;;
  esac
}

# hits TOOL SET LANG TEXT: how many results the command prints (a sanity check, not timed).
hits() {
  local out
  out=$(eval "$(query_cmd "$@")" 2>/dev/null || true)
  case $1 in
    xapian) grep -c '^[0-9]*: \[' <<<"$out" || true ;;
    *) [ -z "$out" ] && echo 0 || wc -l <<<"$out" ;;
  esac
}

# time_queries SET: hyperfine over every tool and query of SET; medians into queries.tsv.
time_queries() {
  local set=$1 arr="QUERIES_$1[@]" entry label lang text tool
  for entry in "${!arr}"; do
    IFS='|' read -r label lang text <<<"$entry"
    local cmds=() names=() tools=(archive rg fts5 xapian)
    [ "$set" != bundled ] && tools+=(archive-nofresh)
    [ -n "$BASELINE" ] && tools+=(archive-baseline)
    for tool in "${tools[@]}"; do
      cmds+=("$(query_cmd "$tool" "$set" "$lang" "$text")")
      names+=(-n "$tool")
    done
    local json="$BENCH_DIR/results/$set-$(echo "$label" | md5sum | cut -c1-8).json"
    hyperfine -N -i --style none --output pipe --warmup "$WARMUP" --min-runs "$RUNS" \
      --export-json "$json" "${names[@]}" "${cmds[@]}" >/dev/null 2>>"$BENCH_DIR/results/hyperfine.log"
    for tool in "${tools[@]}"; do
      local median n
      median=$(jq -r --arg t "$tool" '.results[] | select(.command == $t) | .median' "$json")
      n=$(hits "$tool" "$set" "$lang" "$text")
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$set" "$label" "$lang" "$tool" "$median" "$n" >>"$BENCH_DIR/results/queries.tsv"
    done
  done
}

# The cost of starting the process alone: `archive --version` (no index, no archive).
time_start() {
  local baseline=()
  [ -n "$BASELINE" ] && baseline=(-n archive-baseline "$(sq "$BASELINE") --version")
  hyperfine -N --style none --warmup "$WARMUP" --min-runs "$RUNS" --export-json "$BENCH_DIR/results/start.json" \
    -n archive "$(sq "$ARCHIVE") --version" -n rg "rg --version" -n sqlite3 "sqlite3 -version" \
    -n quest "quest --version" "${baseline[@]}" >/dev/null 2>>"$BENCH_DIR/results/hyperfine.log"
}

# How busy the machine is (other sessions' compiles share the cores): load and CPU pressure.
noise() { printf 'load %s, CPU pressure avg60 %s%%' "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$(awk -F'avg60=' '/^some/ {split($2, a, " "); print a[1]}' /proc/pressure/cpu 2>/dev/null || echo '?')"; }
NOISE_START=$(noise)

# --- run -----------------------------------------------------------------------------------
# The earlier run's build rows, for the peers' indexes it left (REUSE_PEERS).
earlier="$BENCH_DIR/results/build-earlier.tsv"
if [ -n "$REUSE_PEERS" ] && [ -s "$BENCH_DIR/results/build.tsv" ]; then
  cp "$BENCH_DIR/results/build.tsv" "$earlier"
else
  : >"$earlier"
fi
: >"$BENCH_DIR/results/build.tsv"
: >"$BENCH_DIR/results/queries.tsv"
: >"$BENCH_DIR/results/raw.tsv"
: >"$BENCH_DIR/results/hyperfine.log"
for set in $SETS; do
  if [ "$set" != bundled ] && [ ! -e "$CORPORA/.done" ]; then
    log "building the corpora in $CORPORA (Debian packages; a few minutes)"
    bash "$REPO/../shared/corpora/make_corpora.sh" "$CORPORA" >&2 && touch "$CORPORA/.done"
  fi
  if [ "$set" != bundled ] && [ ! -e "$CORPORA/.done" ]; then
    die "no corpora at $CORPORA (run ../shared/corpora/make_corpora.sh $CORPORA first, or SETS=bundled)"
  fi
  log "preparing $set"
  "prepare_$set"
  [ -n "${PREPARE_ONLY:-}" ] && continue
  printf '%s\t%s\t%s\n' "$set" "$(raw_bytes "$BENCH_DIR/data/$set")" \
    "$(find "$BENCH_DIR/data/$set" -type f \( -name '*.txt' -o -name '*.md' \) ! -name words.txt ! -name variants.txt | wc -l)" \
    >>"$BENCH_DIR/results/raw.tsv"
  for tool in archive fts5 xapian; do
    row=$(awk -F'\t' -v s="$set" -v t="$tool" '$1 == s && $2 == t' "$earlier")
    if [ "$tool" != archive ] && [ -n "$row" ] \
      && { [ -e "$BENCH_DIR/idx/$tool-$set" ] || [ -e "$BENCH_DIR/idx/$tool-$set.db" ]; }; then
      log "keeping $tool's index of $set from an earlier run"
      echo "$row" >>"$BENCH_DIR/results/build.tsv"
      continue
    fi
    log "indexing $set with $tool"
    build "$tool" "$set"
  done
  if [ -n "$BASELINE" ]; then
    log "indexing $set with the baseline"
    rm -rf "$BENCH_DIR/idx/archive-baseline-$set"
    "$BASELINE" --archive "$BENCH_DIR/data/$set" --index "$BENCH_DIR/idx/archive-baseline-$set" index 2>/dev/null
  fi
  # The data were copied moments ago: archive's freshness check is unsure of files changed
  # within 2 s of its last scan and compares every file until a search renews its snapshot.
  # On the bundled set (indexed in under a second) that was the first timed query's runs.
  sleep 2
  eval "$(query_cmd archive "$set" en settle)" >/dev/null 2>&1 || true
  [ -n "$BASELINE" ] && { eval "$(query_cmd archive-baseline "$set" en settle)" >/dev/null 2>&1 || true; }
  log "timing queries on $set"
  time_queries "$set"
done

[ -n "${PREPARE_ONLY:-}" ] && exit 0
log "timing process start"
time_start

# --- report --------------------------------------------------------------------------------
report() {
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM; \`bash benches/compare.sh\`."
  echo "Machine load at start: $NOISE_START; at end: $(noise)."
  [ -s "$earlier" ] && echo "FTS5's and Xapian's indexes were kept from an earlier run (REUSE_PEERS): their build columns are that run's."
  echo "Release binary: $BIN_BYTES bytes ($(awk -v b="$BIN_BYTES" 'BEGIN{printf "%.1f", b/1048576}') MiB)."
  echo
  python3 - "$BENCH_DIR/results" "$BIN_BYTES" <<'PY'
import csv, json, os, statistics, sys
res, bin_bytes = sys.argv[1], int(sys.argv[2])
raw = {r[0]: (int(r[1]), int(r[2])) for r in csv.reader(open(f'{res}/raw.tsv'), delimiter='\t')}
builds = {(r[0], r[1]): (int(r[2]) / 1e6, int(r[3]), int(r[4]) * 1024 / 1e6, float(r[5]))
          for r in csv.reader(open(f'{res}/build.tsv'), delimiter='\t')}
queries = [(r[0], r[1], r[2], r[3], float(r[4]) * 1000, int(r[5]))
           for r in csv.reader(open(f'{res}/queries.tsv'), delimiter='\t')]
names = {'bundled': 'the bundled article (archive/)', 'zh': 'Chinese corpora', 'en': 'English corpora'}
tools = ['archive', 'rg', 'fts5', 'xapian', 'archive-nofresh', 'archive-baseline']
label = {'archive': 'archive', 'rg': 'ripgrep `rg -i`', 'fts5': 'SQLite FTS5', 'xapian': 'Xapian',
         'archive-nofresh': 'archive without its freshness check*',
         'archive-baseline': 'archive, baseline binary†'}
mb = lambda b: b / 1e6
checks = []
for s in [s for s in ('bundled', 'zh', 'en') if s in raw]:
    qs = [q for q in queries if q[0] == s]
    qlabels = list(dict.fromkeys(q[1] for q in qs))
    print(f'### {names[s]}: {raw[s][1]} files, {mb(raw[s][0]):.2f} MB\n')
    head = '| tool | build s | CPU s | MB/s | index MB | index/raw | peak RSS MB | ' + \
        ' | '.join(f'`{l}` ms' for l in qlabels) + ' |'
    print(head)
    print('|' + ' --- |' * (head.count('|') - 1))
    for t in [t for t in tools if any(q[3] == t for q in qs)]:
        row = [label[t]]
        if (s, t) in builds:
            secs, size, rss, cpu = builds[(s, t)]
            row += [f'{secs:.3f}' if secs < 1 else f'{secs:.1f}', f'{cpu:.2f}' if cpu < 1 else f'{cpu:.1f}',
                    f'{mb(raw[s][0]) / secs:.2f}', f'{mb(size):.2f}', f'{size / raw[s][0]:.2f}', f'{rss:.0f}']
        else:
            row += ['—'] * 6
        for l in qlabels:
            m = [q for q in qs if q[1] == l and q[3] == t][0]
            row.append(f'{m[4]:.1f} ({m[5]})')
        print('| ' + ' | '.join(row) + ' |')
    runs = 'median of the runs' if s == 'bundled' else \
        f"archive: median of {os.environ.get('CORPUS_BUILD_RUNS', '3')} runs; the peers: one run"
    print(f'\nBuild s: wall time ({runs}); CPU s: user + system; MB/s: raw text per wall second; '
          'peak RSS: /usr/bin/time while indexing (for FTS5, the python3 process).')
    print('Query cells: median ms (in brackets, lines printed: hits for archive, FTS5 and Xapian, at most 10; every matching line for rg).')
    if s != 'bundled':
        print('\\* `--archive` pointing nowhere: the same index searched without first checking that it is up to date with the archive folder (not a target, a diagnostic).')
    if any(q[3] == 'archive-baseline' for q in qs):
        print('† `BASELINE`, an older binary, on an index it built of the same files, in the same runs (not a target, a comparison).')
    print()
    med = {(q[1], q[3]): q[4] for q in qs}
    lang = {q[1]: q[2] for q in qs}
    worst_of = lambda peer: max(med[(l, 'archive')] / med[(l, peer)] for l in qlabels)
    worst = worst_of('fts5')
    checks.append((f'every query ≤ SQLite FTS5 ({names[s]}; worst archive/FTS5)', f'{worst:.2f}×', worst <= 1))
    if s == 'bundled':
        worst = worst_of('rg')
        checks.append(('every query ≤ `rg -i` (bundled; worst archive/rg)', f'{worst:.2f}×', worst <= 1))
        worst = max(med[(l, 'archive')] / med[(l, 'rg')] for l in qlabels if lang[l] == 'en')
        checks.append(('English query ≤ 1.5× `rg -i` (bundled; worst query)', f'{worst:.2f}×', worst <= 1.5))
        en = statistics.median(med[(l, 'archive')] for l in qlabels if lang[l] == 'en')
        zh = statistics.median(med[(l, 'archive')] for l in qlabels if lang[l] == 'zh')
        worst_zh = max(med[(l, 'archive')] for l in qlabels if lang[l] == 'zh') / \
            min(med[(l, 'archive')] for l in qlabels if lang[l] == 'en')
        checks.append(('Chinese query ≤ 2× English query (bundled; median of medians, worst pair)',
                       f'{zh / en:.2f}×, {worst_zh:.2f}×', zh / en <= 2))
    else:
        worst = worst_of('xapian')
        checks.append((f'every query ≤ 1.5× Xapian ({names[s]}; worst archive/Xapian)', f'{worst:.2f}×', worst <= 1.5))
    if (s, 'archive') in builds:
        secs, size, rss, cpu = builds[(s, 'archive')]
        if s == 'zh':
            checks.append(('indexing ≥ 10 MB/s of Chinese text (whole `archive index`)', f'{mb(raw[s][0]) / secs:.2f} MB/s', mb(raw[s][0]) / secs >= 10))
        limit = 1.5 if s == 'zh' else 1.2
        checks.append((f'index size ≤ {limit}× raw text ({names[s]})', f'{size / raw[s][0]:.2f}×', size / raw[s][0] <= limit))
        checks.append((f'peak memory while indexing ≤ 300 MB ({names[s]})', f'{rss:.0f} MB', rss <= 300))
start = json.load(open(f'{res}/start.json'))['results']
print('### Process start (`--version`)\n')
print('| ' + ' | '.join(r['command'] for r in start) + ' |')
print('|' + ' --- |' * len(start))
print('| ' + ' | '.join(f"{r['median'] * 1000:.1f} ms" for r in start) + ' |\n')
checks.append(('release binary ≤ 12 MB', f'{bin_bytes / 1048576:.1f} MiB', bin_bytes <= 12 * 1048576))
print('### Targets\n')
print('| target | measured | |')
print('| --- | --- | --- |')
for what, value, ok in checks:
    print(f'| {what} | {value} | {"met" if ok else "**missed**"} |')
PY
}
report | tee "$BENCH_DIR/results.md"
