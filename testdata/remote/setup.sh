#!/usr/bin/env bash
# Makes the git repositories the remote-* fixtures of testdata/build fetch, at fixed paths
# under /tmp/strata-test-repos (a kustomization must name a repository by an absolute
# file:// URL, and the oracle and Strata must see the same one).
#
#   testdata/remote/setup.sh        # prints the directory it made (or found up to date)
#
# Each testdata/remote/repos/<name>/ holds one directory per tag in order (v1, v2, ...);
# the repository <name> gets one commit per tag, each commit's tree being that directory
# laid over the previous one, and its branch `main` ends at the last; <name>.git is a bare
# copy. Commits have fixed
# authors and dates, so their ids are the same on every machine. The repositories are
# rebuilt only when the sources change (a stamp holds their hash).
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/repos
dest=${STRATA_TEST_REPOS:-/tmp/strata-test-repos}
stamp=$( (cd "$src" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)
if [[ -f $dest/.stamp && $(cat "$dest/.stamp") == "$stamp" ]]; then
  echo "$dest"
  exit 0
fi
tmp=$(mktemp -d "${dest}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GIT_AUTHOR_NAME=strata GIT_AUTHOR_EMAIL=strata@example.invalid
export GIT_COMMITTER_NAME=strata GIT_COMMITTER_EMAIL=strata@example.invalid
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
for repo in "$src"/*/; do
  name=$(basename "$repo")
  work=$tmp/$name
  git init --quiet -b main "$work"
  day=1
  for tag in $(cd "$repo" && ls -d */ | sed 's#/$##' | sort -V); do
    cp -R "$repo/$tag/." "$work/"
    export GIT_AUTHOR_DATE="2024-01-0${day}T00:00:00Z" GIT_COMMITTER_DATE="2024-01-0${day}T00:00:00Z"
    git -C "$work" add -A
    git -C "$work" commit --quiet -m "$name $tag"
    git -C "$work" tag "$tag"
    day=$((day + 1))
  done
  # A bare copy as <name>.git, for URLs that mark the repository with `.git`.
  git clone --quiet --bare "$work" "$tmp/$name.git"
done
echo "$stamp" >"$tmp/.stamp"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "$dest"
