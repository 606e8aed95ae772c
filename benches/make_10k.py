"""Writes a 10,000-story archive into ./archive from the text files under /work/corpora
(the first ~3 KB of each, cut at a paragraph, cycled, with a date front matter); for the
`list`/`show`/`search` timings in benches/README.md."""
import os

files = sorted(
    os.path.join(d, f)
    for d, _, fs in os.walk("/work/corpora")
    for f in fs
    if f.endswith(".txt")
)
os.makedirs("archive")
n = i = 0
while n < 10000:
    text = open(files[i % len(files)], encoding="utf-8", errors="replace").read()[:3000]
    i += 1
    cut = text.rfind("\n\n")
    if cut > 500:
        text = text[:cut]
    if len(text.strip()) < 50:
        continue
    date = f"{2000 + n % 25}-{1 + n % 12:02d}-{1 + n % 28:02d}"
    with open(f"archive/s{n:05d}.txt", "w") as out:
        out.write(f"---\ndate: {date}\n---\n\n{text}\n")
    n += 1
