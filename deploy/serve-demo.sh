#!/usr/bin/env bash
# `make serve-demo`: the service on the demo data with a working local desk, so that the chat page's
# "Ask an expert" opens a ticket that the console at /console can answer. One web group, one expert
# (web:demo), and a fresh expert token printed here; the token is passed in the environment, never
# written to disk.
set -euo pipefail

consulta="${1:?usage: serve-demo.sh CONSULTA DATA_DIR}"
data_dir="${2:?usage: serve-demo.sh CONSULTA DATA_DIR}"
listen="${SERVE_DEMO_LISTEN:-127.0.0.1:8080}"

mkdir -p "$data_dir"
config="$data_dir/serve-demo.toml"
cat > "$config" <<'TOML'
# Written by deploy/serve-demo.sh: a desk for trying the service on one machine.
[desk]
groups = [{ name = "demo", chats = ["web:demo-experts"] }]
experts = [{ name = "Demo expert", identities = ["web:demo"], groups = ["demo"] }]
TOML

token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
cat <<EOF_TEXT

Consulta's demo service: http://$listen/ (chat page), http://$listen/console (expert console)
  expert token:    $token
  expert identity: web:demo
Ask on the chat page, press "Ask an expert", then answer the ticket in the console.
Stop with Ctrl-C.

EOF_TEXT
CONSULTA_SERVICE__EXPERT_TOKEN="$token" exec "$consulta" --config "$config" --data-dir "$data_dir" serve --listen "$listen"
