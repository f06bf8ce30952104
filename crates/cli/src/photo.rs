//! Reading a photo the user names: JPEG, PNG or WebP, told apart by their bytes, not the file
//! name, with an error that says which file and what is wrong with it.

use std::path::Path;

use anyhow::{Context, Result, bail};
use image::{DynamicImage, ImageFormat};

const FORMATS: [ImageFormat; 3] = [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP];

pub fn open(path: &Path) -> Result<DynamicImage> {
    let shown = path.display();
    let bytes = std::fs::read(path).with_context(|| format!("cannot read image {shown}"))?;
    if bytes.is_empty() {
        bail!("{shown} is empty (0 bytes), not an image");
    }
    match image::guess_format(&bytes) {
        Ok(format) if FORMATS.contains(&format) => {
            image::load_from_memory_with_format(&bytes, format).map_err(|error| {
                // Decoders' messages may span lines; the first says enough.
                let why = error.to_string();
                let why = why.lines().next().unwrap_or_default();
                anyhow::anyhow!("{shown} is damaged or not a complete image ({why})")
            })
        }
        Ok(format) => bail!("{shown} is a {format:?} image; Basis reads JPEG, PNG and WebP"),
        Err(_) => bail!("{shown} is not an image Basis can read (JPEG, PNG or WebP)"),
    }
}
