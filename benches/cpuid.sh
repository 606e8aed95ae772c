#!/usr/bin/env bash
# How many times a command executes the `cpuid` instruction. On a virtual machine each one
# traps to the hypervisor (about 11 µs here, benches/README.md "Per-process costs, sixth
# pass"), so a short command's count is part of its time. Every `cpuid` of the executable
# (and, for a dynamically linked one, of its loader) gets a gdb breakpoint that only counts.
#
# Usage: bash benches/cpuid.sh <command> [args...]   e.g.
#   bash benches/cpuid.sh target/x86_64-unknown-linux-gnu/release/archive search Khorgos
#   bash benches/cpuid.sh sqlite3 idx.db "select 1"
# Needs gdb and objdump (`apt-get install gdb binutils`).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 <command> [args...]" >&2; exit 2; }
bin=$(command -v "$1") || { echo "cpuid.sh: no command $1" >&2; exit 2; }
shift
script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat > "$script" <<GDB
set pagination off
starti
python
import re, subprocess
def sites(path):
    out = subprocess.run(['objdump', '-d', '--no-show-raw-insn', path],
                         capture_output=True, text=True).stdout
    return [int(l.split(':')[0], 16) for l in out.splitlines() if '\tcpuid' in l]
# Where each file is mapped (a static executable at its link address: base 0).
bases = {}
for line in gdb.execute('info proc mappings', to_string=True).splitlines():
    parts = line.split()
    if len(parts) >= 5 and parts[-1].startswith('/') and parts[-1] not in bases:
        bases[parts[-1]] = int(parts[0], 16) - int(parts[3], 16)
for path, base in bases.items():
    with open(path, 'rb') as f:
        static = f.read(18)[16:18] == b'\x02\x00'  # ELF type EXEC: absolute addresses
    for addr in sites(path):
        bp = gdb.Breakpoint('*%#x' % (addr if static else base + addr), internal=True)
        bp.ignore_count = 10**9
end
continue
python
print('cpuid executed %d times' % sum(b.hit_count for b in gdb.breakpoints() or []))
end
GDB
gdb -q -batch -x "$script" --args "$bin" "$@" 2>/dev/null | grep '^cpuid executed' >&2
