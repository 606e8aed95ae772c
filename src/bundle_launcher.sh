#!/bin/sh
# Starts the archive's web page on this computer and opens it in the browser.
# Close this window (or press Ctrl-C) to stop it.
dir=$(cd "$(dirname "$0")" && pwd) || exit 1
"$dir/archive" serve --port 0 | {
    read -r url || exit 1
    echo "The archive is at $url - close this window to stop it."
    xdg-open "$url" >/dev/null 2>&1 || echo "Open $url in a web browser."
    cat >/dev/null
}
