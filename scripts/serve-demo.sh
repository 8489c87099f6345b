#!/bin/sh
# Serve the demo: the background-job worker (imports, recomputation) and the web server,
# stopped together with Ctrl+C.
set -eu
python="$1"; address="$2"
"$python" manage.py worker --interval 1 >var/worker.log 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Tiến trình xử lý nền đang chạy (nhật ký: var/worker.log)."
"$python" manage.py runserver "$address"
