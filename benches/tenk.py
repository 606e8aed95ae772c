"""The 10,000-story archive (issue 15): whole-process times of `archive list`, `show` and
`search`, and what `archive serve` costs a browser opening its start page: the server's start
(until it prints its address), the page, the first and a late page of `/api/stories`, a story
and a search. Prints a Markdown table of medians (and the slowest run) to stdout.

Usage, from the repository, after `cargo build --release`:
    python3 benches/tenk.py [--dir /tmp/archive-10k] [--runs 11] [--keep]
The archive (benches/make_10k.py) and its index are written to --dir, which is removed at the
end unless --keep is given."""
import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, "target/x86_64-unknown-linux-gnu/release/archive")

COMMANDS = [
    ("archive list", ["list"]),
    ("archive list --json", ["list", "--json"]),
    ("archive show s04242", ["show", "s04242"]),
    ("archive show s00007 --passage 2", ["show", "s00007", "--passage", "2"]),
    ("archive search filesystem", ["search", "filesystem"]),
    ("archive search kernel module", ["search", "kernel", "module"]),
    ('archive search "command line"', ["search", '"command line"']),
    ("archive search 软件包", ["search", "软件包"]),
    ("archive search Kazakstan (no such word: spelling lookup)", ["search", "Kazakstan"]),
]

TARGETS = [
    ("GET / (the page)", "/"),
    ("GET /api/stories (page 1 of 200)", "/api/stories"),
    ("GET /api/stories?page=150", "/api/stories?page=150"),
    ("GET /api/stories?page=200&per_page=50", "/api/stories?page=200&per_page=50"),
    ("GET /api/story?story=s04242&lang=en", "/api/story?story=s04242&lang=en"),
    ("GET /api/story?…&q=kernel (marked)", "/api/story?story=s04242&lang=en&q=kernel"),
    ("GET /api/search?q=filesystem", "/api/search?q=filesystem"),
    ("GET /api/search?q=软件包", "/api/search?q=%E8%BD%AF%E4%BB%B6%E5%8C%85"),
]


def timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def run(args):
    out = subprocess.run([BIN, "--root", ".", *args], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    if out.returncode not in (0, 1):
        raise SystemExit(f"{args}: {out.stderr.decode()}")


def serve_start():
    """Starts `archive serve`; returns (process, port) once it printed its address."""
    p = subprocess.Popen([BIN, "--root", ".", "serve", "--port", "0"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    url = p.stdout.readline().decode().strip()
    return p, int(url.rsplit(":", 1)[1].rstrip("/"))


def get(port, target):
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", target, headers={"Host": f"127.0.0.1:{port}"})
    r = c.getresponse()
    r.read()
    c.close()
    if r.status != 200:
        raise SystemExit(f"{target}: {r.status}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/archive-10k")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(a.dir, "archive")):
        os.makedirs(a.dir, exist_ok=True)
        subprocess.run(["python3", os.path.join(REPO, "benches/make_10k.py")], cwd=a.dir,
                       check=True)
    os.chdir(a.dir)
    start = time.perf_counter()
    subprocess.run([BIN, "--root", ".", "index"], check=True, stderr=subprocess.DEVNULL)
    print(f"`archive index`: {time.perf_counter() - start:.1f} s\n")
    print("| what | median ms | slowest ms |\n| --- | --- | --- |")
    for label, args in COMMANDS:
        run(args)  # warm the page cache
        print("| `%s` | %.1f | %.1f |" % (label, *timed(lambda: run(args), a.runs)))

    def start_and_stop():
        p, _ = serve_start()
        p.terminate()
        p.wait()

    print("| `archive serve` until it prints its address | %.1f | %.1f |"
          % timed(start_and_stop, a.runs))
    p, port = serve_start()
    try:
        for label, target in TARGETS:
            get(port, target)
            print("| %s | %.1f | %.1f |" % (label, *timed(lambda: get(port, target), a.runs)))
    finally:
        p.terminate()
        p.wait()
    if not a.keep:
        shutil.rmtree(a.dir)


if __name__ == "__main__":
    main()
