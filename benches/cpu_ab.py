#!/usr/bin/env python3
"""Whole-process CPU time of one search, binaries alternated: for a noisy, shared machine.

Runs `BIN --archive A --index I search --json QUERY` N times per binary under
`perf stat -e task-clock` (one process per sample, the binaries' order swapped every round)
and prints each binary's minimum, first quartile and median in ms.

Usage: python3 benches/cpu_ab.py N ARCHIVE INDEX QUERY BIN [BIN...]
"""
import statistics
import subprocess
import sys


def cpu_ms(binary, archive, index, query):
    run = subprocess.run(
        ["perf", "stat", "-x,", "-e", "task-clock", binary,
         "--archive", archive, "--index", index, "search", "--json", query],
        capture_output=True, text=True)
    for line in run.stderr.splitlines():
        if "task-clock" in line:
            return float(line.split(",")[0])
    sys.exit(f"cpu_ab.py: no task-clock from perf for {binary}: {run.stderr.strip()}")


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    archive, index, query = sys.argv[2:5]
    binaries = sys.argv[5:]
    samples = {b: [] for b in binaries}
    for round_ in range(n):
        for b in binaries if round_ % 2 == 0 else reversed(binaries):
            samples[b].append(cpu_ms(b, archive, index, query))
    for b in binaries:
        v = sorted(samples[b])
        print(f"{query}\t{b}\tmin {v[0]:.2f}\tp25 {v[len(v) // 4]:.2f}"
              f"\tmedian {statistics.median(v):.2f} ms")


if __name__ == "__main__":
    main()
