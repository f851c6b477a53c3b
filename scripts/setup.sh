#!/usr/bin/env bash
# Installs the Debian packages Thesis QDA's real-VS-Code runs need and a fresh machine lacks:
# chromium (the headless window for tests and screenshots), and what code-server's native
# modules build with (libkrb5-dev for gssapi.h, pkg-config, a C++ toolchain, python3), plus
# pandoc (the chapter-build test). Quick when everything is present; the npm packages
# (code-server, Node 24) are installed by `npm start` / `npm test` themselves.
set -euo pipefail
wanted=(chromium libkrb5-dev pkg-config build-essential python3 pandoc)
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup: Debian packages present (${wanted[*]})"
  exit 0
fi
echo "setup: apt-get install ${missing[*]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
