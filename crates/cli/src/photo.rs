//! Reading a photo the user names: JPEG, PNG or WebP, told apart by their bytes, not the file
//! name, with an error that says which file and what is wrong with it; and a folder of them as
//! a pool of crops, cut as the app cuts them.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use basis_featvis::pool;
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

/// The photo as the network is shown it: the pool's centre crop, so `classify`, `probe` and the
/// app's probe of a pool photo see the same pixels.
pub fn centre_crop(photo: &DynamicImage) -> image::RgbImage {
    pool::centre_crop(&photo.to_rgb8())
}

/// The photos of a folder and their crops, as the app cuts them.
pub struct PhotoPool {
    /// File names and images, in file-name order.
    pub photos: Vec<(String, image::RgbImage)>,
    pub crops: Vec<(pool::Crop, image::RgbImage)>,
}

impl PhotoPool {
    pub fn load(dir: &Path, per_photo: usize, seed: u64) -> Result<Self> {
        let photos = read_pool(dir)?;
        let images: Vec<image::RgbImage> = photos.iter().map(|(_, image)| image.clone()).collect();
        let crops = pool::crops(&images, per_photo, seed);
        Ok(Self { photos, crops })
    }

    /// The photo each crop was cut from, by index.
    pub fn photo_of_crop(&self) -> Vec<usize> {
        self.crops.iter().map(|(crop, _)| crop.photo).collect()
    }

    pub fn crop_images(&self) -> Vec<image::RgbImage> {
        self.crops.iter().map(|(_, image)| image.clone()).collect()
    }

    /// The name of the photo crop `index` was cut from.
    pub fn photo_of(&self, index: usize) -> &str {
        &self.photos[self.crops[index].0.photo].0
    }
}

pub fn read_pool(dir: &Path) -> Result<Vec<(String, image::RgbImage)>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the photo folder {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    if paths.is_empty() {
        bail!("{} holds no photos", dir.display());
    }
    paths
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            Ok((name, open(path)?.to_rgb8()))
        })
        .collect()
}
