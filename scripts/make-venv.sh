#!/bin/sh
# Create the project's virtualenv. Debian ships venv support in a separate package
# (python3-venv); install it when we may (root), otherwise say exactly what to run.
set -eu
python="$1"; venv="$2"
if "$python" -m venv "$venv" 2>/dev/null; then exit 0; fi
rm -rf "$venv"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Cài gói python3-venv (Debian) để tạo môi trường ảo..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  exec "$python" -m venv "$venv"
fi
echo "Không tạo được môi trường ảo Python. Hãy chạy: sudo apt-get install python3-venv" >&2
exit 1
