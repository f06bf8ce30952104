//! Where generated files live. They are built by `basis setup-weights` inside the checkout the
//! binary was built from, so every command finds them without configuration.

use std::path::PathBuf;

use anyhow::{Context, Result};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn root() -> PathBuf {
    let root = PathBuf::from(ROOT);
    root.canonicalize().unwrap_or(root)
}

/// Weights and labels; the app serves this folder as is.
pub fn model_dir() -> PathBuf {
    root().join("public/model")
}

pub fn default_weights() -> PathBuf {
    model_dir().join("efficientnet-lite0.bpk")
}

/// Size and hashes of the weights file, for the browser to check its download against.
pub fn manifest() -> PathBuf {
    model_dir().join("manifest.json")
}

pub fn labels() -> PathBuf {
    model_dir().join("imagenet-labels.txt")
}

pub fn photos_dir() -> PathBuf {
    root().join("tests/photos")
}

/// Downloaded wheels, kept between runs so set-up is fast when nothing changed.
pub fn wheel_cache() -> PathBuf {
    let base = std::env::var_os("BASIS_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/basis")))
        .unwrap_or_else(|| root().join("target/basis-cache"));
    base.join("wheels")
}

/// Reads a weights file, with the hint a first-time user needs.
pub fn read_weights(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| {
        format!(
            "cannot read weights file {} (run `basis setup-weights` first)",
            path.display()
        )
    })
}
