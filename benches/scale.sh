#!/usr/bin/env bash
# How `archive` scales with the archive's size: the shared corpora (every .txt file) copied
# under distinct story ids (copy-1/…, copy-2/…) until each size is reached, then per size:
#   index      `archive index` from scratch: wall time, peak RSS (/usr/bin/time), the segments
#              it leaves
#   unchanged  `archive index` again, nothing changed (median of 5; wall, and CPU: user + system;
#              the highest peak RSS of the 5)
#   one file   `archive index` after one story was rewritten in place (median of 5, the same)
#   search     `archive search --json` whole process, freshness check on (hyperfine median,
#              and its CPU time: user + system, the figure to read on a shared, loaded machine),
#              once the last edit has settled
# Each size's index is measured, then removed: the folder grows to the next size, which would
# make it stale (and disk is finite). Markdown goes to stdout; the data stays in $SCALE_DIR
# (never the repository) for the next run.
#
# Usage (as root on Debian; hyperfine and /usr/bin/time are installed when missing):
#   bash benches/scale.sh
# Environment:
#   SCALE_DIR=/tmp/archive-scale   work folder
#   CORPORA=../corpora             output of ../shared/corpora/make_corpora.sh
#   SIZES="50 150 500"             archive sizes in MB
#   QUERIES="filesystem|软件包"     queries timed, separated by |
#   ARCHIVE=path/to/archive         another build to measure (e.g. a baseline); none is built then
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
SCALE_DIR=${SCALE_DIR:-/tmp/archive-scale}
CORPORA=${CORPORA:-$REPO/../corpora}
SIZES=${SIZES:-50 150 500}
QUERIES=${QUERIES:-filesystem|软件包}
ARCHIVE=${ARCHIVE:-}
export LC_ALL=C.UTF-8

die() { echo "scale.sh: $*" >&2; exit 2; }
log() { echo "== $*" >&2; }
case "$SCALE_DIR/" in "$REPO"/*) die "SCALE_DIR must be outside the repository" ;; esac
[ -d "$CORPORA" ] || die "no corpora at $CORPORA (run ../shared/corpora/make_corpora.sh first)"
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ -z "$ARCHIVE" ]; then
  log "building the release binary"
  (cd "$REPO" && cargo build --release --quiet)
  ARCHIVE="$REPO/target/x86_64-unknown-linux-gnu/release/archive"
fi

# fill DIR MB: copies of the corpora's text files under copy-N/ until DIR holds MB megabytes.
fill() {
  local dir=$1 target=$(($2 * 1000 * 1000)) n=0 have=0
  mkdir -p "$dir"
  have=$(find "$dir" -name '*.txt' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  n=$(find "$dir" -maxdepth 1 -name 'copy-*' | wc -l)
  while [ "$have" -lt "$target" ]; do
    n=$((n + 1))
    mkdir -p "$dir/copy-$n"
    (cd "$CORPORA" && find . -name '*.txt' -size -8M -print0 | xargs -0 cp --parents -t "$dir/copy-$n")
    have=$(find "$dir" -name '*.txt' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  done
}

# median CMD...: "wall (CPU; RSS)": the median wall time and the median CPU time (user +
# system) in seconds of 5 runs of CMD, and the highest peak RSS of the 5 in MB.
median() {
  local walls=() cpus=() wall user sys kb peak=0
  for _ in 1 2 3 4 5; do
    /usr/bin/time -o "$SCALE_DIR/t" -f '%e %U %S %M' "$@" >/dev/null 2>&1
    read -r wall user sys kb < <(tail -1 "$SCALE_DIR/t")
    walls+=("$wall")
    cpus+=("$(echo "$user + $sys" | bc)")
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  printf '%.2f (%.2f; %d MB)' "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 3p)" \
    "$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n 3p)" $((peak / 1024))
}

IFS='|' read -ra qs <<<"$QUERIES"
head="| archive | files | index s | index CPU s | MB/s | peak RSS MB | segments | index/raw | unchanged \`index\` s (CPU s; peak RSS) | one file changed s (CPU s; peak RSS) |"
for q in "${qs[@]}"; do head+=" \`$q\` search ms (CPU ms) |"; done
echo "$head"
echo "|$(printf ' --- |%.0s' $(seq 1 $((10 + ${#qs[@]}))))"
data="$SCALE_DIR/data"
for mb in $SIZES; do
  log "$mb MB: copying"
  fill "$data" "$mb"
  raw=$(find "$data" -name '*.txt' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  files=$(find "$data" -name '*.txt' | wc -l)
  idx="$SCALE_DIR/index-$mb"
  rm -rf "$idx"
  log "$mb MB: indexing $files files"
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M %U %S' -o "$SCALE_DIR/rss" "$ARCHIVE" --archive "$data" --index "$idx" index >/dev/null 2>"$SCALE_DIR/index.log" \
    || die "indexing failed: $(tail -1 "$SCALE_DIR/index.log")"
  t1=$(date +%s.%N)
  secs=$(echo "$t1 - $t0" | bc)
  read -r rss user sys < <(tail -1 "$SCALE_DIR/rss")
  rss=$((rss / 1024))
  cpu=$(echo "$user + $sys" | bc)
  size=$(du -sb "$idx" | cut -f1)
  segments=$(python3 -c "import json; print(len(json.load(open('$idx/meta.json'))['segments']))")
  unchanged=$(median "$ARCHIVE" --archive "$data" --index "$idx" index)
  victim=$(find "$data/copy-1" -name '*.txt' | sort | sed -n 1p)
  one=$(median bash -c "echo 'one more line' >> '$victim' && exec '$ARCHIVE' --archive '$data' --index '$idx' index")
  # A story edited less than 2 s before a search makes its freshness check unsure (src/fresh.rs),
  # and the search compares every file: the searches are timed once the edit has settled and
  # an `archive index` has recorded it.
  sleep 3
  "$ARCHIVE" --archive "$data" --index "$idx" index >/dev/null 2>&1
  row="| $(awk -v r="$raw" 'BEGIN {printf "%.0f MB", r / 1e6}') | $files | $(printf '%.1f' "$secs") | $(printf '%.1f' "$cpu") | $(awk -v r="$raw" -v s="$secs" 'BEGIN {printf "%.1f", r / 1e6 / s}') | $rss | $segments | $(awk -v i="$size" -v r="$raw" 'BEGIN {printf "%.2f", i / r}') | $unchanged | $one |"
  for q in "${qs[@]}"; do
    hyperfine -N -i --style none --output pipe --warmup 3 --min-runs 10 --export-json "$SCALE_DIR/q.json" \
      "$ARCHIVE --archive $data --index $idx search --json $q" >/dev/null 2>&1
    row+=" $(python3 -c "import json; r = json.load(open('$SCALE_DIR/q.json'))['results'][0]; print('%.1f (%.1f)' % (r['median'] * 1000, (r['user'] + r['system']) * 1000))") |"
  done
  echo "$row"
  rm -rf "$idx"
done
