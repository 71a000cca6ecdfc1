# `make run` and `make test` install whatever is missing, then do their job.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# cargo-leptos sets this while building; setting it for every cargo command
# lets `cargo test` reuse cargo-leptos's build instead of redoing it.
export LEPTOS_OUTPUT_NAME := privacy_portal
export LEPTOS_SITE_ROOT := target/site

SSR := --no-default-features --features ssr
HYDRATE := --lib --target wasm32-unknown-unknown --no-default-features --features hydrate

.PHONY: run test check tools test-tools build previous-release lint unit-and-api e2e screenshots dist fuzz crash bench minimal-leptos clean

## Build the release binary and WASM, then serve on http://127.0.0.1:3000
run: tools build
	target/release/privacy-portal

## Everything: formatting, clippy (both builds), unit, API (SQLite and
## PostgreSQL, real SMTP) and end2end (Chromium) tests
test: test-tools lint build previous-release
	.ci/with-postgres.sh $(MAKE) --no-print-directory unit-and-api e2e
	@# The archive installed into an empty folder, started with the unit's
	@# environment file alone.
	.ci/dist-test.sh

## The fast loop: formatting, clippy for the server build and the
## library's unit tests; no PostgreSQL, no browser, no release build
check:
	cargo fmt --check
	cargo clippy --all-targets $(SSR) -- -D warnings
	cargo test $(SSR) --lib

tools:
	.ci/tools.sh run

test-tools:
	.ci/tools.sh test

build:
	@# Hashed file names, and brotli and gzip copies of every built file.
	cargo leptos build --release --precompress
	@# The hash file sits beside the binary; a copy in the site lets an
	@# installed binary, started from anywhere, find it with the site.
	cp target/release/hash.txt target/site/hash.txt

## The previous release's server binary, which the upgrade test runs
## before swapping in this build (tests/api/upgrade.rs); built once, from
## git, reusing target/release's compiled dependencies
previous-release:
	.ci/previous-release.sh >/dev/null

lint:
	cargo fmt --check
	cargo clippy --all-targets $(SSR) -- -D warnings
	cargo clippy $(HYDRATE) -- -D warnings

unit-and-api:
	cargo test --release $(SSR)

## The property tests of the parsers and dates, longer than in `make test`
## (512 cases each there)
fuzz:
	PROPTEST_CASES=$${PROPTEST_CASES:-100000} cargo test --release $(SSR) --lib properties

## The crash test with 200 SIGKILLs instead of 10
crash:
	PORTAL_CRASH_RUNS=$${PORTAL_CRASH_RUNS:-200} .ci/with-postgres.sh \
		cargo test --release $(SSR) --test api sigkill -- --nocapture

e2e:
	rm -rf target/e2e && mkdir -p target/e2e/screenshots
	cd end2end && npx playwright test

## The archive an operator installs (ops/INSTALL.md):
## dist/privacy-portal-VERSION-x86_64-linux.tar.gz
dist: build
	.ci/dist.sh

## The README's pictures of the console, taken by the end2end test of the
## DPO's day at 1280x900 and copied into docs/screenshots
screenshots: test-tools build
	rm -rf target/e2e && mkdir -p target/e2e/screenshots docs/screenshots
	cd end2end && E2E_PARTIAL=1 npx playwright test day.spec.ts --project desktop
	cp target/e2e/screenshots/readme-*.png docs/screenshots/

## Figures: throughput, memory, and what a public page loads beside a
## minimal Leptos app built here with the same profile
bench: tools build minimal-leptos
	cargo bench $(SSR) --bench http

minimal-leptos:
	@# Its own output name: the portal's, exported above, would win otherwise.
	cd benches/minimal-leptos && LEPTOS_OUTPUT_NAME=minimal_leptos \
		cargo leptos build --release --precompress

clean:
	cargo clean
	rm -rf data end2end/node_modules
