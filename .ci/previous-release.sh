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

# (A checkout owned by another user than root is trusted here, or git
# would refuse it and the message below would mislead.)
git() { command git -c safe.directory="$PWD" "$@"; }
# A shallow clone lacks the release's commit: fetch it.
if ! git cat-file -e "$commit^{commit}" 2>/dev/null; then
  git fetch --quiet origin "$commit" \
    || git fetch --quiet --unshallow origin \
    || true
fi
git cat-file -e "$commit^{commit}" \
  || fail "this clone has no commit $commit ($tag); clone with history"

rm -rf "$out/src" "$out/target"
mkdir -p "$out/src" "$out/target/release"
# -m: the files dated now, so that nothing of the old source looks older
# than what was compiled from this one.
git archive "$commit" | tar -xm -C "$out/src"
# Seeded with this checkout's compiled dependencies when there are some:
# their files hard-linked (cargo and rustc write new files for new units
# and never rewrite a fresh one), their small fingerprints and build-script
# outputs copied. The portal's own crate gets the same unit names as here
# (same manifest, same lock), and cargo and rustc rewrite some of its files
# in place: none of them is linked or copied, so it is compiled anew, and
# nothing of target/release is written.
for part in deps build .fingerprint; do
  [ -d "target/release/$part" ] || continue
  if [ "$part" = deps ]; then
    cp -al "target/release/$part" "$out/target/release/$part"
  else
    cp -a "target/release/$part" "$out/target/release/$part"
  fi
  find "$out/target/release/$part" -maxdepth 1 \
    \( -name 'privacy_portal-*' -o -name 'libprivacy_portal[-.]*' -o -name 'privacy-portal-*' \) \
    -exec rm -rf {} +
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
