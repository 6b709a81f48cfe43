#!/usr/bin/env bash
# Writes expected.yaml: `kubectl kustomize` of this directory while `srv/` is served at
# http://127.0.0.1:18731 (python3's http.server), the URLs the kustomization names. The
# library test (crates/strata/tests/http_origins.rs) serves the same files through a
# RemoteLoader, so it needs no server.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
python3 -m http.server 18731 --bind 127.0.0.1 --directory "$here/srv" >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 50); do
  curl -sf http://127.0.0.1:18731/single/config.yaml >/dev/null && break
  sleep 0.1
done
${ORACLE:-kubectl kustomize} "$here" >"$here/expected.yaml"
