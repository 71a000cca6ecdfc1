#!/usr/bin/env bash
# The install test: builds the archive (.ci/dist.sh), unpacks it into an
# empty folder and starts the binary as the systemd unit would, from `/`
# with only the variables of an environment file, then checks it serves
# its own site and keeps its database in the state folder. One line on
# stderr and exit 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "dist-test: $*" >&2; exit 1; }
for tool in curl tar grep sed; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

archive=$(.ci/dist.sh | sed -n '$s/ .*//p')
[ -f "$archive" ] || fail ".ci/dist.sh made no archive"
version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)

dir=$(mktemp -d)
server=
stop() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap stop EXIT
tar -xzf "$archive" -C "$dir"
bin=$dir/privacy-portal-$version/privacy-portal
[ -x "$bin" ] || fail "the archive has no privacy-portal-$version/privacy-portal"

# A free port from 3190 up: nothing answers a connection there.
port=3190
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

# What /etc/privacy-portal/env and the unit's Environment= lines give the
# service; systemd creates the state folder, so this test does too.
mkdir -m 0700 "$dir/state"
cat > "$dir/env" <<ENV
# The unit's own lines
LEPTOS_SITE_ADDR=127.0.0.1:$port
PORTAL_DATA_DIR=$dir/state

# The operator's file
PORTAL_PUBLIC_URL=http://127.0.0.1:$port
PORTAL_SECRET_KEY=$(printf '5e%.0s' {1..32})
ENV

# Only these variables: no LEPTOS_SITE_ROOT, no PATH, nothing of make's.
vars=()
while IFS= read -r line; do
  case $line in '' | '#'* | ';'*) continue ;; esac
  [[ $line == *=* ]] || fail "not NAME=value in the env file: $line"
  vars+=("$line")
done < "$dir/env"

(cd / && exec env -i "${vars[@]}" "$bin" serve) > "$dir/server.log" 2>&1 &
server=$!

base=http://127.0.0.1:$port
for ((i = 0; i < 60; i++)); do
  curl -fs -o /dev/null "$base/health" && break
  kill -0 "$server" 2>/dev/null || { sed 's/^/  /' "$dir/server.log" >&2; fail "the server stopped at start (its log above)"; }
  sleep 0.5
done
status() { curl -s -o /dev/null -w '%{http_code}' "$base$1"; }

[ "$(status /health)" = 200 ] || { sed 's/^/  /' "$dir/server.log" >&2; fail "/health did not answer 200 within 30 s"; }
home=$(curl -fs "$base/") || fail "/ did not answer 200"
# The home page has no island; the verification form loads the islands'
# JavaScript and WASM.
form=$(curl -fs "$base/verify") || fail "/verify did not answer 200"
css=$(grep -o 'href="/pkg/[^"]*\.css"' <<<"$home" | sed 's/^href="//; s/"$//; q')
js=$(grep -o 'href="/pkg/[^"]*\.js"' <<<"$form" | sed 's/^href="//; s/"$//; q')
wasm=$(grep -o 'href="/pkg/[^"]*\.wasm"' <<<"$form" | sed 's/^href="//; s/"$//; q')
[ -n "$css" ] || fail "/ links no stylesheet under /pkg/"
[ -n "$js" ] && [ -n "$wasm" ] || fail "/verify links no JavaScript or WASM under /pkg/"
for file in "$css" "$js" "$wasm"; do
  [ "$(status "$file")" = 200 ] || fail "$file did not answer 200: the site beside the binary was not found"
done

printed=$(env -i "$bin" --version) || fail "privacy-portal --version failed"
grep -q "^privacy-portal $version\b" <<<"$printed" || fail "--version printed \"$printed\", not version $version"
[ -s "$dir/state/portal.db" ] || fail "no SQLite database in the state folder (PORTAL_DATA_DIR)"

echo "dist-test: ok: $archive unpacked, served from / with its own site on port $port"
