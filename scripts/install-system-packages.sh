#!/usr/bin/env bash
# Debian packages the product and its tests use: headless Chromium for browser tests, a CJK font so pages
# render Chinese glyphs, LibreOffice Writer (bulletins into PDF; .doc/.wps plans read) and Calc (.xls/.et read), and gettext (msgfmt) to compile the English
# messages. Installs only what is missing.
set -euo pipefail
wanted=(chromium fonts-wqy-microhei libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils gettext)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "安装系统软件包 / installing Debian packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
