#!/usr/bin/env bash
# The project's test command, from a fresh clone: installs what the tests need, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v python3 >/dev/null || need+=(python3)
# The terminal tests run `archive` in a pseudo-terminal through util-linux `script`.
command -v script >/dev/null || need+=(bsdutils)
# The browser test of `archive serve` drives Debian's Chromium; a CJK font lets its screenshots
# show the Chinese text.
command -v chromium >/dev/null || need+=(chromium)
{ command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; } || need+=(fonts-wqy-zenhei)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
cargo test --all-targets "$@"
