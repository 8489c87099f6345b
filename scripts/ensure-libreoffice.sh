#!/bin/sh
# The report tests convert generated .docx files with LibreOffice and read them back; the
# Excel writer's tests convert .xlsx files, which needs Calc besides Writer.
# Install it when missing and we may (root); otherwise those tests are skipped locally
# (and fail in CI, where CI=true). fonts-liberation2 has the Vietnamese letters.
set -eu
has_calc() {
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' libreoffice-calc 2>/dev/null | grep -q "ok installed"
  fi
}
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && has_calc; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Cài LibreOffice Writer và Calc (Debian) cho kiểm thử báo cáo và tệp Excel..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libreoffice-writer libreoffice-calc poppler-utils fonts-liberation2 >/dev/null
else
  echo "Chưa có LibreOffice: kiểm thử chuyển đổi báo cáo và tệp Excel sẽ bị bỏ qua (sudo apt-get install libreoffice-writer libreoffice-calc poppler-utils)." >&2
fi
