#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages CareLMS needs when they are missing and
# this user can install them; otherwise says exactly what to install.
#   always: WeasyPrint's libraries and a CJK font (certificates, Chinese text)
#   TEST_SYSTEM_DEPS=1 (make test): also Chromium for the browser tests,
#   zbar-tools and poppler-utils to read back QR codes and PDF text.
set -u
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
if [ "${TEST_SYSTEM_DEPS:-}" = 1 ]; then
  packages+=(chromium zbar-tools poppler-utils)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  echo "system-deps: not a Debian/Ubuntu system; make sure these are installed: ${packages[*]}" >&2
  exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "system-deps: missing packages: ${missing[*]}" >&2
  echo "system-deps: install them with: sudo apt-get install -y ${missing[*]}" >&2
  # Without them the app still runs, but certificates render slowly or not at all.
  [ -n "${CI:-}" ] && exit 1
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
