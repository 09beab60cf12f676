#!/usr/bin/env bash
# Installs what the test suite needs beyond Rust: Debian's headless Chromium and its ChromeDriver, which
# the browser tests (bot/tests/browser*.rs) drive. Idempotent: when both are installed it does nothing,
# so CI can run it on every build.
#
# Usage: deploy/install-test-deps.sh   (as root, or with sudo available)
set -euo pipefail

packages=(chromium chromium-driver)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: ${packages[*]} already installed"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-test-deps: installing ${missing[*]} needs root; run this script as root" >&2
    exit 1
  fi
  sudo_cmd=(sudo)
fi

echo "install-test-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
chromium --version
chromedriver --version
