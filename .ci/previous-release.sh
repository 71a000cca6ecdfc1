#!/usr/bin/env bash
# Builds the server binary of the previous release, which the upgrade test
# (tests/api/upgrade.rs) runs before swapping in this one:
# target/upgrade/privacy-portal-TAG, for the tag and commit that
# .ci/previous-release names. Kept once built. The release's source comes
# out of git (`git archive`), and its build reuses this checkout's compiled
# dependencies: target/release's artifacts are hard-linked into its own
# target folder, so only the portal's crate (and a dependency the old
# Cargo.lock pins differently) is compiled: a few minutes, not fifteen.
# Prints the binary's path; one line on stderr and exit 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "previous-release: $*" >&2; exit 1; }

read -r tag commit < .ci/previous-release
[ -n "$tag" ] && [ -n "$commit" ] || fail ".ci/previous-release must read 'TAG COMMIT'"
out=target/upgrade
binary=$out/privacy-portal-$tag
if [ -x "$binary" ]; then
  echo "$binary"
  exit 0
fi

# A shallow clone lacks the release's commit: fetch it (and its tag).
if ! git cat-file -e "$commit^{commit}" 2>/dev/null; then
  git fetch --quiet origin "$commit" 2>/dev/null \
    || git fetch --quiet --unshallow origin 2>/dev/null \
    || true
fi
git cat-file -e "$commit^{commit}" 2>/dev/null \
  || fail "this clone has no commit $commit ($tag); clone with history"

rm -rf "$out/src" "$out/target"
mkdir -p "$out/src" "$out/target/release"
git archive "$commit" | tar -x -C "$out/src"
# Seeded with this checkout's compiled dependencies when there are some.
# The portal's own crate lands under other names (its path is another),
# so nothing here overwrites a file of target/release.
for part in deps build .fingerprint; do
  if [ -d "target/release/$part" ]; then
    cp -al "target/release/$part" "$out/target/release/$part"
  fi
done

started=$(date +%s)
(
  cd "$out/src"
  # The unpacked source is no git checkout: its build script is told the
  # commit, which `--version` then prints.
  PORTAL_GIT_COMMIT=${commit:0:12} CARGO_TARGET_DIR="$PWD/../target" \
    cargo build --release --locked --no-default-features --features ssr \
      --bin privacy-portal --quiet
) || fail "the build of $tag failed"
cp "$out/target/release/privacy-portal" "$binary.part"
mv "$binary.part" "$binary"
# Only the binary is kept: the rest is 2 GB of links and objects.
rm -rf "$out/src" "$out/target"
echo "previous-release: built $tag in $(( $(date +%s) - started )) s" >&2
echo "$binary"
