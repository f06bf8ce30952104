//! Where the generated data lives: one folder holding `model/` (weights, manifest, labels — the
//! app serves it as is) `photos/` and `pool/`. An installed `basis` is told where it is by `--data DIR` or
//! `BASIS_DATA`; in a checkout's root, `public/` is found by itself.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use basis_models::Network;
use sha2::{Digest, Sha256};

/// The environment variable naming the data folder.
pub const DATA_VARIABLE: &str = "BASIS_DATA";
/// Where a checkout keeps it, relative to its root.
const CHECKOUT_DATA: &str = "public";

#[derive(Debug, Clone)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// `--data`, else `$BASIS_DATA`, else `./public` when run from a checkout's root.
    pub fn locate(flag: Option<&Path>) -> Result<Self> {
        Self::find(flag, false)
    }

    /// As [`DataDir::locate`], creating a folder that `--data` or `$BASIS_DATA` names.
    pub fn for_setup(flag: Option<&Path>) -> Result<Self> {
        Self::find(flag, true)
    }

    fn find(flag: Option<&Path>, create: bool) -> Result<Self> {
        let named = flag.map(|dir| (dir.to_path_buf(), "--data")).or_else(|| {
            std::env::var_os(DATA_VARIABLE)
                .filter(|v| !v.is_empty())
                .map(|dir| (PathBuf::from(dir), DATA_VARIABLE))
        });
        if let Some((dir, source)) = named {
            if create {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("{source}: creating {}", dir.display()))?;
            }
            return Self::existing(&dir, source);
        }
        let checkout = Path::new(CHECKOUT_DATA);
        if checkout.is_dir() {
            return Ok(Self(checkout.to_path_buf()));
        }
        bail!(
            "no data folder: pass --data DIR or set {DATA_VARIABLE}=DIR, where DIR is the folder \
             `basis setup-weights` fills (a checkout's public/)"
        )
    }

    fn existing(dir: &Path, source: &str) -> Result<Self> {
        if !dir.is_dir() {
            bail!(
                "{source} names {}, which is not a folder (create it, then run `basis setup-weights`)",
                dir.display()
            );
        }
        Ok(Self(dir.to_path_buf()))
    }

    /// Weights and labels; the app serves this folder as is.
    pub fn model_dir(&self) -> PathBuf {
        self.0.join("model")
    }

    pub fn weights(&self, network: Network) -> PathBuf {
        self.model_dir().join(format!("{}.bpk", network.id()))
    }

    /// Size and hashes of a network's weights file, for the browser to check its download
    /// against.
    pub fn manifest(&self, network: Network) -> PathBuf {
        self.model_dir().join(format!("{}.json", network.id()))
    }

    pub fn labels(&self) -> PathBuf {
        self.model_dir().join("imagenet-labels.txt")
    }

    /// The pool's photo names, for the browser (which cannot list a folder).
    pub fn photo_list(&self) -> PathBuf {
        self.model_dir().join("photos.json")
    }

    pub fn photos_dir(&self) -> PathBuf {
        self.0.join("photos")
    }

    /// The large photo pool (see `debian_photos`), scaled once at set-up.
    pub fn pool_dir(&self) -> PathBuf {
        self.0.join("pool")
    }

    /// The large pool's photos with their sources, licences and halves.
    pub fn pool_list(&self) -> PathBuf {
        self.model_dir().join("pool.json")
    }
}

/// Downloaded wheels and Debian packages, kept between runs so set-up is fast when nothing changed.
pub fn download_cache() -> PathBuf {
    let base = std::env::var_os("BASIS_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/basis")))
        .unwrap_or_else(|| std::env::temp_dir().join("basis-cache"));
    base.join("wheels")
}

/// `file` from the download cache if its SHA-256 is `sha256`; else `download` fetches it into the
/// cache folder it is given and returns the path it wrote, which is checked before use.
pub fn pinned_download(
    file: &str,
    sha256: &str,
    download: impl FnOnce(&Path) -> Result<PathBuf>,
) -> Result<PathBuf> {
    let cache = download_cache();
    let path = cache.join(file);
    if path.exists() && sha256_file(&path)? == sha256 {
        return Ok(path);
    }
    std::fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
    let written = download(&cache)?;
    let found = sha256_file(&written)
        .with_context(|| format!("the download did not produce {}", written.display()))?;
    if found != sha256 {
        std::fs::remove_file(&written).ok();
        bail!("{file} has sha256 {found}, expected {sha256}; refusing to use it");
    }
    if written != path {
        std::fs::rename(&written, &path)
            .with_context(|| format!("moving the download to {}", path.display()))?;
    }
    Ok(path)
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

/// Writes beside the target, then renames: a reader never sees half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = path.with_extension("partial");
    std::fs::write(&temporary, bytes)
        .with_context(|| format!("writing {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Reads a weights file, with the hint a first-time user needs.
pub fn read_weights(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| {
        format!(
            "cannot read weights file {} (run `basis setup-weights` first)",
            path.display()
        )
    })
}
