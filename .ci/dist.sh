#!/usr/bin/env bash
# `make dist`: the archive an operator unpacks into /opt/privacy-portal
# (ops/INSTALL.md), made from what `make build` left in target/. Prints its
# path and size. Migrations are compiled into the binary: none to copy.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=target/release/privacy-portal
site=target/site
# `make build` copies the hash file into the site last: the same file in
# both places means the site and the binary come from the same build.
if [ ! -x "$binary" ] || [ ! -d "$site/pkg" ] \
  || ! cmp -s target/release/hash.txt "$site/hash.txt"; then
  echo "dist: no complete release build in target/: run make build first" >&2
  exit 1
fi

version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
[ -n "$version" ] || { echo "dist: no package version in Cargo.toml" >&2; exit 1; }
top=privacy-portal-$version
archive=dist/$top-$(uname -m)-linux.tar.gz

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$top"
cp "$binary" "$stage/$top/"
# Debug information out (a few MB); the symbols stay,
# so a panic's backtrace still names its functions.
if command -v strip >/dev/null; then strip --strip-debug "$stage/$top/privacy-portal"; fi
# The binary finds the site here, beside itself, from any working folder.
cp -R "$site" "$stage/$top/site"
# wasm-bindgen's TypeScript declarations: no browser asks for them.
find "$stage/$top/site" -name '*.d.*.ts*' -delete
cp ops/privacy-portal.service ops/env.example ops/nginx.conf ops/Caddyfile ops/INSTALL.md \
  "$stage/$top/"
if [ -f CHANGELOG.md ]; then cp CHANGELOG.md "$stage/$top/"; fi

# The same inputs give the same bytes: names sorted, owner root, one date
# (the last commit's, or SOURCE_DATE_EPOCH), modes from the executable bit
# alone, and no name or date in the gzip header.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
mkdir -p dist
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  --mode='u=rwX,go=rX' -C "$stage" -cf - "$top" | gzip -n > "$archive.part"
mv "$archive.part" "$archive"
echo "$archive ($(du -h "$archive" | cut -f1))"
