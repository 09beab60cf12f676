#!/usr/bin/env bash
# Runs cargo with a toolchain new enough for Consulta (Rust >= the workspace's rust-version).
#
# qdrant-edge needs Rust 1.97. When the default toolchain is older but a nightly of the right version
# is installed (as on the machines Consulta is developed on), that nightly is used; a user with a current
# stable toolchain needs nothing special. Nothing here downloads a toolchain.
set -euo pipefail

required="1.97"

version_of() { "$@" --version 2>/dev/null | awk '{print $2}' | cut -d- -f1; }
at_least() { [ "$(printf '%s\n%s\n' "$required" "$1" | sort -V | head -n1)" = "$required" ]; }

default_version="$(version_of rustc || true)"
if [ -n "$default_version" ] && at_least "$default_version"; then
  exec cargo "$@"
fi
if command -v rustup >/dev/null 2>&1 && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  nightly_version="$(version_of rustc +nightly || true)"
  if [ -n "$nightly_version" ] && at_least "$nightly_version"; then
    exec cargo +nightly "$@"
  fi
fi
echo "consulta needs Rust >= $required; found ${default_version:-no rustc}." >&2
echo "Install a newer toolchain (rustup update stable) and run again." >&2
exit 1
