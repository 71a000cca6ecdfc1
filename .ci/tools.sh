#!/usr/bin/env bash
# Installs what `make run` (argument: run) or `make test` (argument: test)
# needs and is missing. Every step checks first, so a rerun costs seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}

CARGO_LEPTOS_VERSION=0.3.11
AIOSMTPD_VERSION=1.4.6
toolchain=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
wasm_bindgen_version=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"/\1/p}' Cargo.lock)

say() { printf '==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_update() { [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }; }
apt_install() {
  apt_update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Rust, pinned by rust-toolchain.toml, with the wasm32 target.
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1 \
  || ! rustup target list --installed --toolchain "$toolchain" | grep -qx wasm32-unknown-unknown; then
  say "installing Rust $toolchain with the wasm32 target"
  rustup toolchain install "$toolchain" --profile minimal -c clippy,rustfmt -t wasm32-unknown-unknown
fi

# cargo-leptos, without its downloader: it finds wasm-bindgen and wasm-opt on PATH.
if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10 minutes)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# wasm-bindgen-cli at exactly the version in Cargo.lock (a mismatch breaks hydration).
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version"
  # Its own lock file names a webpki-roots release the registry no longer
  # serves, so fall back to a fresh resolution of the same version.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --locked --force \
    || cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

# Node packages: wasm-opt (binaryen) for release builds, Playwright for tests.
if ! command -v npm >/dev/null; then
  say "installing Node.js"
  apt_install nodejs npm
fi
if [ ! -f end2end/node_modules/.package-lock.json ] \
  || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing the end2end Node packages (Playwright, binaryen)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

[ "$purpose" = test ] || exit 0

if ! command -v chromium >/dev/null; then
  say "installing Debian's Chromium"
  apt_install chromium
fi
# nginx, for the API test of ops/nginx.conf in front of the portal
# (tests/api/proxy.rs). Debian 12 has a smaller build, nginx-light; Debian
# 13 has only nginx. Outside root's PATH it is in /usr/sbin.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  apt_update
  case $(apt-cache policy nginx-light) in
    *'Candidate: '[0-9]*) nginx=nginx-light ;;
    *) nginx=nginx ;;
  esac
  say "installing Debian's $nginx"
  apt_install "$nginx"
  # The test starts its own; the one Debian starts on port 80 serves no purpose.
  as_root systemctl disable --now nginx >/dev/null 2>&1 || true
fi
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  say "installing aiosmtpd $AIOSMTPD_VERSION (the SMTP server the tests send to)"
  # A Debian Python refuses pip installs (externally managed): then
  # Debian's own package does the same job.
  python3 -m pip install -q "aiosmtpd==$AIOSMTPD_VERSION" 2>/dev/null \
    || apt_install python3-aiosmtpd
fi
if [ -z "${PORTAL_TEST_POSTGRES_URL:-}" ] && ! command -v initdb >/dev/null \
  && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "installing PostgreSQL"
  apt_install postgresql
fi
