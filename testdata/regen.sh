#!/usr/bin/env bash
# Re-runs the kustomize oracle over every fixture and rewrites the expected files.
#
#   testdata/regen.sh [--check] [CASE...]
#
# Targets: every directory testdata/build/<case>/ (build root = the case directory, extra
# flags from <case>/args.txt) and every examples/webapp/overlays/<env>/ (output in
# examples/webapp/expected/<env>.yaml). CASE limits the run to those case names or paths.
#
#   (default)  rewrite expected.yaml / expected-stderr.txt / expected-error.txt
#   --check    rewrite nothing; report every mismatch and exit 1 if there is one
#
# Environment:
#   ORACLE  oracle command line, split on spaces (default: "kubectl kustomize", kustomize v5.5)
#   REF     second oracle for a cross-check (default: ../shared/bin/kustomize-ref, v5.6; a
#           relative path is relative to the repository root);
#           differences are reported, never fatal. REF= (empty) skips the cross-check.
#
# Stderr is stored normalized (see testdata/README.md): the absolute path of the build root is
# replaced by <CASE>, the time and pid of klog headers (E, I, W lines) are zeroed, and Go heap
# addresses (0xc000123456, printed by some kustomize errors) become <PTR>, and the random part
# of kustomize's temporary directories for Helm and git clones (/tmp/kustomize-helm-123/,
# /tmp/kustomize-123/) and of its plugin config files (/tmp/kust-plugin-config-123) becomes
# <TMP>.
#
# A case's env.txt (lines NAME=VALUE, `$REPO` standing for the repository root) sets
# environment variables for both oracles, e.g. XDG_CONFIG_HOME for exec plugins.
# --check compares error messages without their framing (klog `err="…"` of kubectl <= 1.32,
# `error: …` of kubectl 1.33, `Error: …` of the kustomize binary), so any oracle version's
# framing is accepted; stdout and warnings are compared byte for byte.
set -euo pipefail

mode=write
if [[ ${1-} == --check ]]; then
  mode=check
  shift
fi
if [[ ${1-} == -h || ${1-} == --help ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 0
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
read -r -a oracle <<<"${ORACLE:-kubectl kustomize}"
ref=${REF-../shared/bin/kustomize-ref}
# A relative REF path is relative to the repository root, where the oracles run.
[[ $ref == */* && $ref != /* ]] && ref=$repo/$ref
if [[ -n $ref && ! -x $ref ]]; then
  echo "note: REF=$ref is not executable; skipping the cross-check" >&2
  ref=
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The remote-* cases fetch git repositories that testdata/remote/setup.sh makes.
"$repo/testdata/remote/setup.sh" >/dev/null

problems=0
problem() {
  echo "FAIL $*" >&2
  problems=$((problems + 1))
}
note() { echo "note $*" >&2; }

# normalize ROOT < raw-stderr > stable-stderr
normalize() {
  local root=$1 text
  text=$(cat; echo x)
  text=${text%x}
  text=${text//"$root"/<CASE>}
  printf '%s' "$text" |
    sed -E 's/^([EIW])[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} +[0-9]+ /\10000 00:00:00.000000       0 /
            s/0xc[0-9a-f]{9,}/<PTR>/g
            s#/kustomize-(helm-)?[0-9]+/#/kustomize-\1<TMP>/#g
            s#/kust-plugin-config-[0-9]+#/kust-plugin-config-<TMP>#g'
}

# message < stderr > the error text without the CLI's framing (klog, "error: ", "Error: ")
message() {
  python3 -c '
import re, sys

def go_unquote(s):
    assert s.startswith("\"") and s.endswith("\""), s
    s, out, i = s[1:-1], [], 0
    simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
              "\\": "\\", "\"": "\"", "'"'"'": "'"'"'"}
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c); i += 1; continue
        e = s[i + 1]
        if e in simple:
            out.append(simple[e]); i += 2
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            out.append(chr(int(s[i + 2:i + 2 + n], 16))); i += 2 + n
        else:
            out.append(chr(int(s[i + 1:i + 4], 8))); i += 4
    return "".join(out)

lines, out, i = sys.stdin.read().split("\n"), [], 0
klog = re.compile(r"^E\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ \S+\] \"command failed\" err=(.*)$")
while i < len(lines):
    line = lines[i]
    m = klog.match(line)
    if m and m.group(1) == "<":
        i += 1
        while i < len(lines) and lines[i] != " >":
            out.append(lines[i][1:] if lines[i].startswith("\t") else lines[i])
            i += 1
    elif m:
        out.append(go_unquote(m.group(1)))
    elif line.startswith(("error: ", "Error: ")):
        out.append(line[7:])
    else:
        out.append(line)
    i += 1
print("\n".join(out).strip())
'
}

# run OUTPREFIX DIR COMMAND... : runs `COMMAND DIR ${args[@]}` from the repository root with
# the variables of ${envs[@]}, leaving OUTPREFIX.out, .err and .rc (args, envs: the caller's
# words from args.txt and lines of env.txt)
run() {
  local prefix=$1 dir=$2 rc=0
  shift 2
  (cd "$repo" && env "${envs[@]}" "$@" "$dir" "${args[@]}") >"$prefix.out" 2>"$prefix.err" </dev/null || rc=$?
  echo "$rc" >"$prefix.rc"
}

# same_file A B : byte equality, a missing file counting as empty
same_file() {
  cmp -s <(cat "$1" 2>/dev/null) <(cat "$2" 2>/dev/null)
}

# check_one NAME DIR OUT_YAML ERR_ALLOWED
#   NAME  label for messages; DIR  build root; OUT_YAML  where stdout is stored;
#   ERR_ALLOWED  1 for test cases (may fail, files beside OUT_YAML), 0 for examples.
check_one() {
  local name=$1 dir=$2 out_yaml=$3 err_allowed=$4
  local base args=() envs=() line rc rc2 stderr_file error_file contains_file phrase=""
  base=$(dirname "$out_yaml")
  stderr_file=$base/expected-stderr.txt
  error_file=$base/expected-error.txt
  contains_file=$base/error-contains.txt
  if [[ -f $dir/args.txt ]]; then
    read -r -d '' -a args <"$dir/args.txt" || true
  fi
  if [[ -f $dir/env.txt ]]; then
    while IFS= read -r line; do
      [[ -n $line ]] && envs+=("${line//\$REPO/$repo}")
    done <"$dir/env.txt"
  fi

  # The oracle runs twice: the output must not vary between runs.
  run "$tmp/a" "$dir" "${oracle[@]}"
  run "$tmp/b" "$dir" "${oracle[@]}"
  normalize "$dir" <"$tmp/a.err" >"$tmp/a.nerr"
  normalize "$dir" <"$tmp/b.err" >"$tmp/b.nerr"
  rc=$(cat "$tmp/a.rc")
  rc2=$(cat "$tmp/b.rc")
  if [[ $rc != "$rc2" ]] || ! same_file "$tmp/a.out" "$tmp/b.out" ||
    ! same_file "$tmp/a.nerr" "$tmp/b.nerr"; then
    problem "$name: two runs of the oracle disagree (nondeterministic output)"
    return
  fi

  if [[ $rc == 0 ]]; then
    [[ -f $contains_file ]] && problem "$name: succeeds but has $(basename "$contains_file")"
    if [[ $mode == write ]]; then
      cp "$tmp/a.out" "$out_yaml"
      if [[ $err_allowed == 1 ]]; then
        rm -f "$error_file"
        if [[ -s $tmp/a.nerr ]]; then cp "$tmp/a.nerr" "$stderr_file"; else rm -f "$stderr_file"; fi
      fi
    else
      if [[ ! -f $out_yaml ]]; then
        problem "$name: succeeds but ${out_yaml#"$repo"/} is missing"
      elif ! same_file "$tmp/a.out" "$out_yaml"; then
        problem "$name: stdout differs from ${out_yaml#"$repo"/}"
      fi
      if [[ $err_allowed == 1 ]]; then
        [[ -f $error_file ]] && problem "$name: succeeds but ${error_file#"$repo"/} exists"
        same_file "$tmp/a.nerr" "$stderr_file" || problem "$name: stderr differs from ${stderr_file#"$repo"/}"
      fi
    fi
    if [[ $err_allowed == 0 && -s $tmp/a.err ]]; then
      problem "$name: the oracle wrote to stderr: $(head -c 300 "$tmp/a.err")"
    fi
  else
    if [[ $err_allowed == 0 ]]; then
      problem "$name: the oracle failed (exit $rc): $(head -c 300 "$tmp/a.err")"
      return
    fi
    if [[ $mode == write ]]; then
      cp "$tmp/a.nerr" "$error_file"
      rm -f "$out_yaml" "$stderr_file"
    else
      [[ -f $out_yaml ]] && problem "$name: fails (exit $rc) but ${out_yaml#"$repo"/} exists"
      if [[ ! -f $error_file ]]; then
        problem "$name: fails (exit $rc) but has no expected-error.txt"
      elif [[ $(message <"$tmp/a.nerr") != "$(message <"$error_file")" ]]; then
        problem "$name: error message differs from expected-error.txt:
  now:      $(message <"$tmp/a.nerr")
  expected: $(message <"$error_file")"
      fi
    fi
    if [[ ! -s $contains_file ]]; then
      problem "$name: fails but has no error-contains.txt (one line: a stable key phrase of the message)"
    else
      phrase=$(head -n 1 "$contains_file")
      # grep without -q reads all its input: with -q it may exit early, and under pipefail
      # the writer's broken pipe would count as "phrase missing".
      message <"$tmp/a.nerr" | grep -F -- "$phrase" >/dev/null ||
        problem "$name: the oracle's message lacks the phrase '$phrase' of error-contains.txt"
    fi
  fi

  # Cross-check against the second oracle: report, never fail.
  if [[ -n $ref ]]; then
    run "$tmp/r" "$dir" "$ref"
    normalize "$dir" <"$tmp/r.err" >"$tmp/r.nerr"
    local rrc
    rrc=$(cat "$tmp/r.rc")
    if [[ ($rc == 0 && $rrc != 0) || ($rc != 0 && $rrc == 0) ]]; then
      note "$name: REF exit $rrc, ORACLE exit $rc"
    elif ! same_file "$tmp/a.out" "$tmp/r.out"; then
      note "$name: REF stdout differs:"
      diff "$tmp/a.out" "$tmp/r.out" | head -n 20 >&2 || true
    elif [[ $(message <"$tmp/a.nerr") != "$(message <"$tmp/r.nerr")" ]]; then
      note "$name: REF stderr differs beyond framing:
  ORACLE: $(message <"$tmp/a.nerr")
  REF:    $(message <"$tmp/r.nerr")"
    elif [[ -n $phrase && $rc != 0 ]] && ! message <"$tmp/r.nerr" | grep -F -- "$phrase" >/dev/null; then
      note "$name: REF stderr lacks the phrase '$phrase'"
    fi
  fi
}

if [[ ${oracle[0]} == kubectl ]]; then
  echo "oracle: ${oracle[*]} ($(kubectl version --client 2>/dev/null | grep -i kustomize || echo 'kustomize version unknown'))"
else
  echo "oracle: ${oracle[*]}"
fi
[[ -n $ref ]] && echo "cross-check: $ref"

selected() {
  local name=$1 path=$2 want
  [[ ${#filters[@]} == 0 ]] && return 0
  for want in "${filters[@]}"; do
    want=${want%/}
    [[ $want == "$name" || $(cd "$want" 2>/dev/null && pwd -P) == "$path" ]] && return 0
  done
  return 1
}
filters=("$@")

count=0
for dir in "$repo"/testdata/build/*/; do
  dir=${dir%/}
  name=build/$(basename "$dir")
  selected "$(basename "$dir")" "$dir" || selected "$name" "$dir" || continue
  check_one "$name" "$dir" "$dir/expected.yaml" 1
  count=$((count + 1))
done
for dir in "$repo"/examples/*/overlays/*/; do
  dir=${dir%/}
  env=$(basename "$dir")
  app=$(basename "$(dirname "$(dirname "$dir")")")
  name=examples/$app/$env
  selected "$name" "$dir" || continue
  [[ $mode == write ]] && mkdir -p "$repo/examples/$app/expected"
  check_one "$name" "$dir" "$repo/examples/$app/expected/$env.yaml" 0
  count=$((count + 1))
done

if [[ $problems != 0 ]]; then
  echo "$problems problem(s) in $count target(s)" >&2
  exit 1
fi
if [[ $mode == check ]]; then
  echo "ok: $count target(s) match the oracle"
else
  echo "ok: $count target(s) regenerated"
fi
