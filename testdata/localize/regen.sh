#!/usr/bin/env bash
# Re-runs the kustomize oracle over every localize fixture (testdata/localize/<case>/):
#
#   testdata/localize/regen.sh [--check] [CASE...]
#
# For each case, `input/` is the tree to localize and `args.txt` holds `TARGET [--scope
# SCOPE]`, relative to `input/`; `expected/` is the localized copy (DEST), taken from
# kustomize's own localize tests (see README.md). This script
#   1. writes `expected-build.yaml`, the oracle's output for `input/TARGET` (--check: compares);
#   2. renders the copy's kustomization (`expected/` + TARGET relative to SCOPE) with the
#      oracle and fails unless it gives the same bytes: the promise of localize, checked
#      without Strata.
# Cases with a `uses-test-repos` file fetch the file:// repositories of testdata/remote.
#
# Environment: ORACLE (default "kubectl kustomize").
set -euo pipefail
mode=write
if [[ ${1-} == --check ]]; then
  mode=check
  shift
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
read -r -a oracle <<<"${ORACLE:-kubectl kustomize}"
cases=("$@")
if [[ ${#cases[@]} -eq 0 ]]; then
  for d in "$here"/*/; do cases+=("$(basename "$d")"); done
fi
failed=0
for name in "${cases[@]}"; do
  case_dir=$here/$name
  read -r -a args <"$case_dir/args.txt"
  target=${args[0]}
  scope=$target
  if [[ ${args[1]-} == --scope ]]; then scope=${args[2]}; fi
  if [[ -e $case_dir/uses-test-repos ]]; then
    "$here/../remote/setup.sh" >/dev/null
  fi
  in_scope=$(realpath --relative-to="$case_dir/input/$scope" "$case_dir/input/$target")
  out=$( (cd "$case_dir/input" && "${oracle[@]}" "$target") )
  if [[ $mode == check ]]; then
    if [[ $out != "$(cat "$case_dir/expected-build.yaml")" ]]; then
      echo "FAIL $name: the oracle's output for input/$target differs from expected-build.yaml" >&2
      failed=1
    fi
  else
    printf '%s\n' "$out" >"$case_dir/expected-build.yaml"
  fi
  copy=$( (cd "$case_dir/expected" && "${oracle[@]}" "$in_scope") )
  if [[ $copy != "$out" ]]; then
    echo "FAIL $name: expected/$in_scope renders differently from input/$target" >&2
    diff <(printf '%s\n' "$out") <(printf '%s\n' "$copy") >&2 || true
    failed=1
  else
    echo "ok   $name"
  fi
done
exit $failed
