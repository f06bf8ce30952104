//! The large photo pool: natural colour photographs from five Debian packages, each with its
//! source and licence (`debian-photos.tsv`), fetched from deb.debian.org, checked against pinned
//! hashes, scaled once so the short side is [`SHORT_SIDE`] and written as JPEG, with a list
//! (`pool.json`) that records every photo's source, licence and half.
//!
//! The two halves are fixed by the photo's file name alone (the parity of the first byte of its
//! SHA-256), so a photo never changes half when others are added or removed: `examples` (dataset
//! examples, references) and `queries` (what a student is asked about).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use image::{DynamicImage, Rgb, RgbImage, imageops::FilterType};
use sha2::{Digest, Sha256};

use crate::files::{self, DataDir};
use crate::rcc;

/// The short side the photos are stored at: ImageNet's evaluation scale, from which the
/// analyses take their 224 px crops, so nothing is scaled twice.
pub const SHORT_SIDE: u32 = basis_featvis::pool::SHORT_SIDE;
const JPEG_QUALITY: u8 = 90;
const MIRROR: &str = "https://deb.debian.org/debian";
const MANIFEST: &str = include_str!("debian-photos.tsv");

struct Deb {
    package: &'static str,
    version: &'static str,
    /// The path under the mirror, as `apt-cache show` gives it.
    filename: &'static str,
    sha256: &'static str,
}

/// Debian 12 (bookworm) main; versions as `debian-photos.tsv` names them.
const DEBS: [Deb; 5] = [
    Deb {
        package: "gcompris-qt-data",
        version: "3.1-2",
        filename: "pool/main/g/gcompris-qt/gcompris-qt-data_3.1-2_all.deb",
        sha256: "e9cf06ab2105529068df73085784e835d2ff03f870d2a8091f09125d40abac9f",
    },
    Deb {
        package: "tuxpaint-data",
        version: "1:0.9.28-sdl2-1",
        filename: "pool/main/t/tuxpaint/tuxpaint-data_0.9.28-sdl2-1_all.deb",
        sha256: "f5d0de8f9a70d2efc1241d19f26168cb8bf279f1b77abd3631e7a1a55c40e5e5",
    },
    Deb {
        package: "palapeli-data",
        version: "4:22.12.3-1",
        filename: "pool/main/p/palapeli/palapeli-data_22.12.3-1_all.deb",
        sha256: "69a15dce2ac25ed8708ac518cd0cee5f4eb0c70ed15da2fdb8899a19ac0ee058",
    },
    Deb {
        package: "scribus-template",
        version: "1.2.4.1-6",
        filename: "pool/main/s/scribus-template/scribus-template_1.2.4.1-6_all.deb",
        sha256: "683bf35e43867cb17613d6807aa0238720d8526b1f524b9376404747a3e6128b",
    },
    Deb {
        package: "lomiri-wallpapers-16.04",
        version: "20.04.0-2",
        filename: "pool/main/l/lomiri-wallpapers/lomiri-wallpapers-16.04_20.04.0-2_all.deb",
        sha256: "a99ff6a3bfe451e4cc0682ecb3cc82e71740626d59e4845ae34a0a0e45421eab",
    },
];

/// One line of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub package: String,
    pub version: String,
    /// A path inside the package, or `file.rcc:path` for a file inside a Qt resource.
    pub member: String,
    /// SPDX identifier.
    pub licence: String,
    pub credit: String,
}

impl Entry {
    /// The file name the photo is stored under: unique, and stable for a given member.
    pub fn name(&self) -> String {
        let path = match self.member.split_once(".rcc:") {
            Some((rcc, inner)) => {
                let activity = rcc.rsplit('/').next().unwrap_or(rcc);
                let inside = inner.rsplit_once("/resource/").map_or(inner, |(_, p)| p);
                let inside = inside.strip_prefix("images/").unwrap_or(inside);
                format!("{activity}/{inside}")
            }
            None => {
                let file = self.member.rsplit('/').next().unwrap_or(&self.member);
                format!("{}/{file}", self.package)
            }
        };
        let stem = path
            .rsplit_once('.')
            .map_or(path.as_str(), |(stem, _)| stem);
        format!("{}.jpg", stem.replace('/', "-"))
    }

    pub fn half(&self) -> Half {
        if Sha256::digest(self.name().as_bytes())[0] % 2 == 0 {
            Half::Examples
        } else {
            Half::Queries
        }
    }
}

/// A photo as `pool.json` lists it.
#[derive(serde::Serialize)]
struct Listed<'a> {
    name: String,
    half: Half,
    #[serde(flatten)]
    entry: &'a Entry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Half {
    Examples,
    Queries,
}

/// The manifest's entries, checked: known packages at their pinned versions, non-empty fields,
/// unique names.
pub fn entries() -> Result<Vec<Entry>> {
    let mut lines = MANIFEST.lines();
    ensure!(
        lines.next() == Some("package\tversion\tmember\tlicence\tcredit"),
        "debian-photos.tsv: unexpected header"
    );
    let mut names = BTreeSet::new();
    lines
        .enumerate()
        .map(|(index, line)| {
            let row = index + 2;
            let fields: Vec<&str> = line.split('\t').collect();
            let [package, version, member, licence, credit] = fields[..] else {
                bail!("debian-photos.tsv line {row}: expected 5 tab-separated fields");
            };
            ensure!(
                fields.iter().all(|f| !f.trim().is_empty()),
                "debian-photos.tsv line {row}: an empty field"
            );
            ensure!(
                DEBS.iter()
                    .any(|d| d.package == package && d.version == version),
                "debian-photos.tsv line {row}: {package} {version} is not a pinned package"
            );
            let entry = Entry {
                package: package.into(),
                version: version.into(),
                member: member.into(),
                licence: licence.into(),
                credit: credit.into(),
            };
            ensure!(
                names.insert(entry.name()),
                "debian-photos.tsv line {row}: {} is named twice",
                entry.name()
            );
            Ok(entry)
        })
        .collect()
}

/// What the pool was made from; a pool made from anything else is rebuilt.
fn stamp() -> String {
    let mut hash = Sha256::new();
    hash.update(MANIFEST);
    for deb in &DEBS {
        hash.update(deb.sha256);
    }
    hash.update(format!(
        "short-side-{SHORT_SIDE} jpeg-{JPEG_QUALITY} listed-by-name"
    ));
    hex::encode(hash.finalize())
}

/// Fills `data`'s pool folder and list, unless they are up to date.
pub fn setup(data: &DataDir, force: bool) -> Result<()> {
    let entries = entries()?;
    let list_path = data.pool_list();
    let up_to_date = fs::read_to_string(&list_path)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|list| list["stamp"] == stamp())
        && entries
            .iter()
            .all(|e| data.pool_dir().join(e.name()).exists());
    if up_to_date && !force {
        return Ok(());
    }
    // On a fresh clone neither folder exists yet: the pool is set up before the weights.
    for folder in [data.pool_dir(), data.model_dir()] {
        fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    for deb in &DEBS {
        let wanted: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.package == deb.package)
            .collect();
        let unpacked = unpack(&fetch(deb)?)?;
        let mut resources: BTreeMap<&str, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
        for entry in wanted {
            let bytes = match entry.member.split_once(':') {
                Some((rcc_path, inner)) if rcc_path.ends_with(".rcc") => {
                    if !resources.contains_key(rcc_path) {
                        let raw = fs::read(unpacked.join(rcc_path))
                            .with_context(|| format!("{} lacks {rcc_path}", deb.package))?;
                        let files =
                            rcc::files(&raw).with_context(|| format!("reading {rcc_path}"))?;
                        resources.insert(rcc_path, files);
                    }
                    resources[rcc_path]
                        .get(inner)
                        .with_context(|| format!("{rcc_path} lacks {inner}"))?
                        .clone()
                }
                _ => fs::read(unpacked.join(&entry.member))
                    .with_context(|| format!("{} lacks {}", deb.package, entry.member))?,
            };
            let jpeg =
                scaled_jpeg(&bytes).with_context(|| format!("converting {}", entry.member))?;
            files::write_atomically(&data.pool_dir().join(entry.name()), &jpeg)?;
        }
        fs::remove_dir_all(&unpacked)
            .with_context(|| format!("removing {}", unpacked.display()))?;
    }
    // In name order, as `--photos` reads a folder, so the app and the CLI cut the same crops.
    let mut photos: Vec<Listed> = entries
        .iter()
        .map(|entry| Listed {
            name: entry.name(),
            half: entry.half(),
            entry,
        })
        .collect();
    photos.sort_by(|a, b| a.name.cmp(&b.name));
    let list = serde_json::json!({
        "stamp": stamp(),
        "short_side": SHORT_SIDE,
        "halves": "a photo is in `queries` if the first byte of the SHA-256 of its name is odd, else in `examples`",
        "photos": photos,
    });
    files::write_atomically(&list_path, format!("{list}\n").as_bytes())
}

/// The package in the download cache, fetched from the mirror if absent or corrupt.
fn fetch(deb: &Deb) -> Result<PathBuf> {
    let file = deb.filename.rsplit('/').next().expect("a file name");
    files::pinned_download(file, deb.sha256, |cache| {
        let url = format!("{MIRROR}/{}", deb.filename);
        eprintln!("downloading {url}");
        let partial = cache.join(format!("{file}.part"));
        let status = Command::new("curl")
            .args([
                "--fail",
                "--location",
                "--silent",
                "--show-error",
                "--retry",
                "3",
                "--output",
            ])
            .arg(&partial)
            .arg(&url)
            .status()
            .context("running curl (install it: apt-get install curl)")?;
        if !status.success() {
            bail!("could not download {url} ({status})");
        }
        Ok(partial)
    })
}

/// The package's files, unpacked (not installed) next to it; the caller removes the folder.
fn unpack(deb: &Path) -> Result<PathBuf> {
    let dir = deb.with_extension("unpacked");
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    let status = Command::new("dpkg-deb")
        .arg("-x")
        .arg(deb)
        .arg(&dir)
        .status()
        .context("running dpkg-deb (it comes with Debian and Ubuntu: apt-get install dpkg)")?;
    if !status.success() {
        bail!("dpkg-deb could not unpack {} ({status})", deb.display());
    }
    Ok(dir)
}

/// The photo scaled so its short side is [`SHORT_SIDE`], transparency flattened onto mid grey
/// (the padding colour the optimization uses), as JPEG.
pub fn scaled_jpeg(bytes: &[u8]) -> Result<Vec<u8>> {
    let image = image::load_from_memory(bytes).context("not a PNG, JPEG or WebP image")?;
    let (w, h) = (image.width(), image.height());
    ensure!(w > 0 && h > 0, "the image is empty");
    let scale = f64::from(SHORT_SIDE) / f64::from(w.min(h));
    let (sw, sh) = (
        (f64::from(w) * scale).round().max(1.0) as u32,
        (f64::from(h) * scale).round().max(1.0) as u32,
    );
    let rgba = image.resize_exact(sw, sh, FilterType::Lanczos3).to_rgba8();
    let rgb = RgbImage::from_fn(sw, sh, |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| {
            let a = f32::from(a) / 255.0;
            (f32::from(c) * a + 127.5 * (1.0 - a)).round() as u8
        };
        Rgb([over(r), over(g), over(b)])
    });
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    DynamicImage::ImageRgb8(rgb).write_with_encoder(encoder)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_names_every_photo_once_with_a_licence_and_splits_it_in_two() {
        let entries = entries().unwrap();
        assert!(entries.len() >= 200, "{} photos", entries.len());
        let examples = entries
            .iter()
            .filter(|e| e.half() == Half::Examples)
            .count();
        let queries = entries.len() - examples;
        // A fair coin per name: both halves within 4 standard deviations of half.
        let sd = (entries.len() as f64).sqrt() / 2.0;
        assert!(
            (examples as f64 - queries as f64).abs() / 2.0 < 4.0 * sd,
            "{examples} vs {queries}"
        );
        for entry in &entries {
            assert!(
                !entry.licence.contains("NC") && !entry.licence.contains("ND"),
                "{entry:?}"
            );
        }
    }

    #[test]
    fn names_are_short_stable_and_readable() {
        let entry = |package: &str, member: &str| Entry {
            package: package.into(),
            version: "1".into(),
            member: member.into(),
            licence: "CC0-1.0".into(),
            credit: "someone".into(),
        };
        assert_eq!(
            entry(
                "gcompris-qt-data",
                "usr/share/gcompris-qt/rcc/categorization.rcc:gcompris/src/activities/categorization/resource/images/fishes/fish1.webp"
            )
            .name(),
            "categorization-fishes-fish1.jpg"
        );
        assert_eq!(
            entry("tuxpaint-data", "usr/share/tuxpaint/templates/cliff.jpg").name(),
            "tuxpaint-data-cliff.jpg"
        );
    }

    #[test]
    fn photos_are_scaled_to_the_short_side_and_transparency_becomes_grey() {
        let mut png = Vec::new();
        let clear = image::RgbaImage::from_pixel(600, 300, image::Rgba([255, 0, 0, 0]));
        DynamicImage::ImageRgba8(clear)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let jpeg = scaled_jpeg(&png).unwrap();
        let back = image::load_from_memory(&jpeg).unwrap().to_rgb8();
        assert_eq!(back.dimensions(), (2 * SHORT_SIDE, SHORT_SIDE));
        let [r, g, b] = back.get_pixel(10, 10).0;
        assert!(
            [r, g, b].iter().all(|c| c.abs_diff(128) <= 2),
            "{r} {g} {b}"
        );
        let error = scaled_jpeg(b"not an image").unwrap_err();
        assert!(format!("{error:#}").contains("not a PNG, JPEG or WebP"));
    }
}
