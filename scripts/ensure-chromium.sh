#!/bin/sh
# Browser tests drive Debian's Chromium. Install it when missing and we may (root);
# otherwise the browser tests are skipped locally (and fail in CI, where CI=true).
set -eu
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Cài Chromium (Debian) cho kiểm thử trình duyệt..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
else
  echo "Chưa có Chromium: các kiểm thử trình duyệt sẽ bị bỏ qua (sudo apt-get install chromium)." >&2
fi
