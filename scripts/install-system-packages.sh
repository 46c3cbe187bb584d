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
# Another apt (unattended-upgrades, a parallel setup) may hold the lock: wait for it, bounded, instead of failing.
wait_seconds=${DUIKOU_APT_LOCK_WAIT:-300}
apt_with_wait() {
  local deadline=$((SECONDS + wait_seconds)) out
  while true; do
    if out=$($SUDO apt-get -o DPkg::Lock::Timeout="$wait_seconds" "$@" 2>&1); then
      return 0
    fi
    if grep -qiE "could not get lock|unable to lock|is another process using it" <<<"$out" && ((SECONDS < deadline)); then
      echo "等待其他 apt 进程释放锁 / waiting for the apt lock ($((deadline - SECONDS)) s left)" >&2
      sleep "${DUIKOU_APT_LOCK_POLL:-5}"
      continue
    fi
    echo "$out" >&2
    return 1
  done
}
apt_with_wait update -qq
apt_with_wait install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
