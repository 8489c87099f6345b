#!/bin/sh
# The report tests convert generated .docx files with LibreOffice and read them back.
# Install it when missing and we may (root); otherwise those tests are skipped locally
# (and fail in CI, where CI=true). fonts-liberation2 has the Vietnamese letters.
set -eu
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Cài LibreOffice Writer (Debian) cho kiểm thử báo cáo..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libreoffice-writer poppler-utils fonts-liberation2 >/dev/null
else
  echo "Chưa có LibreOffice: kiểm thử chuyển đổi báo cáo sẽ bị bỏ qua (sudo apt-get install libreoffice-writer poppler-utils)." >&2
fi
