#!/usr/bin/env bash
# Load on `archive serve` over loopback: median and 99th-percentile latency and throughput with
# 1, 8 and 50 concurrent keep-alive connections (wrk, 2 threads), each for $DURATION, on the
# bundled archive and on the corpora. Every connection cycles through a fixed list of searches.
#
# Usage (as root on Debian; installs wrk when missing, builds the release binary):
#   bash benches/serve.sh
# Environment:
#   BENCH_DIR=/tmp/archive-serve-bench   work folder (indexes, wrk output); never the repo
#   CORPORA=../corpora                   the corpora (../shared/corpora/make_corpora.sh output), one archive
#   CLIENTS="1 8 50"  DURATION=10s  SETS="bundled corpora"
#   BIN=path/to/archive                  another build to measure (e.g. a baseline); none is built then
# Markdown goes to stdout: per row the requests answered per second, the median and 99th
# percentile latency, the requests that failed (a non-2xx answer, or a connect, read or write
# error) and those wrk gave up on after 2 s.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/archive-serve-bench}
CORPORA=${CORPORA:-$REPO/../corpora}
CLIENTS=${CLIENTS:-1 8 50}
DURATION=${DURATION:-10s}
SETS=${SETS:-bundled corpora}
BIN=${BIN:-}
export LC_ALL=C.UTF-8

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -z "$BIN" ]; then
  (cd "$REPO" && cargo build --release --quiet)
  BIN=$REPO/target/x86_64-unknown-linux-gnu/release/archive
fi
mkdir -p "$BENCH_DIR"

# Searches, already percent-encoded: label|query string.
QUERIES_bundled=(
  "Khorgos|q=Khorgos"
  "霍尔果斯|q=%E9%9C%8D%E5%B0%94%E6%9E%9C%E6%96%AF"
  "dry port|q=%22dry%20port%22"
  "一带一路|q=%22%E4%B8%80%E5%B8%A6%E4%B8%80%E8%B7%AF%22"
  "Kazakstan (misspelt)|q=Kazakstan"
)
QUERIES_corpora=(
  "kernel module|q=kernel%20module"
  "软件包|q=%E8%BD%AF%E4%BB%B6%E5%8C%85"
  "network interface|q=%22network%20interface%22"
  "安装内核|q=%E5%AE%89%E8%A3%85%E5%86%85%E6%A0%B8"
  "pythn (misspelt)|q=pythn"
)

archive_of() { case $1 in bundled) echo "$REPO/archive" ;; corpora) echo "$CORPORA" ;; esac; }

for set in $SETS; do
  archive=$(archive_of "$set")
  index=$BENCH_DIR/$set-index
  "$BIN" --archive "$archive" --index "$index" index >"$BENCH_DIR/$set-index.log" 2>&1
  ref="QUERIES_${set}[@]"
  lua=$BENCH_DIR/$set.lua
  {
    echo "local paths = {"
    for entry in "${!ref}"; do echo "  \"/api/search?${entry#*|}\","; done
    echo "}"
    echo "local i = 0"
    echo "request = function() i = i % #paths + 1; return wrk.format(\"GET\", paths[i]) end"
  } >"$lua"
  "$BIN" --archive "$archive" --index "$index" serve --port 0 \
    >"$BENCH_DIR/$set.url" 2>/dev/null &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 100); do [ -s "$BENCH_DIR/$set.url" ] && break; sleep 0.1; done
  url=$(head -1 "$BENCH_DIR/$set.url")
  size=$(du -sh "$archive" | cut -f1)
  labels=$(for entry in "${!ref}"; do printf '%s, ' "${entry%%|*}"; done)
  echo
  echo "### $set ($archive, $size): ${labels%, }"
  echo
  echo "| connections | requests/s | p50 ms | p99 ms | failed | over 2 s |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
  for c in $CLIENTS; do
    out=$BENCH_DIR/$set-$c.txt
    wrk -t $((c < 2 ? c : 2)) -c "$c" -d "$DURATION" --latency -s "$lua" "$url" >"$out"
    # wrk prints latencies with their own unit (us, ms, s); convert to ms.
    ms() { awk -v p="$1" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 }
           else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
           printf "%.1f", v }' "$out"; }
    rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$out")
    # Socket errors: connect N, read N, write N, timeout N (wrk gives up on an answer after 2 s).
    failed=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { n += $4 + $6 + $8 } END { print n + 0 }' "$out")
    slow=$(awk '/Socket errors/ { n += $10 } END { print n + 0 }' "$out")
    echo "| $c | $rps | $(ms 50%) | $(ms 99%) | $failed | $slow |"
  done
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  trap - EXIT
done
