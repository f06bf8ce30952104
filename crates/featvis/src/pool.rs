//! A pool of real photos as the network sees them: several crops per photo, fixed by a seed, and
//! their activations at one layer as a `positions × channels` matrix (every position of every
//! crop), with where each position came from.

use basis_models::{EfficientNetLite, TapId};
use burn::tensor::{Device, Tensor, TensorData};
use image::RgbImage;
use image::imageops::{self, FilterType};

use crate::rng::SeededRng;
use crate::session::SessionError;

/// ImageNet's evaluation recipe: the short side scaled to 256 px, 224 px crops. Every network's
/// pool is cut at these sizes (the networks are convolutional; one pool keeps positions
/// comparable between them); [`evaluation_view`] cuts at a network's own resolution.
pub const SHORT_SIDE: u32 = 256;
pub const CROP: u32 = 224;
const CROP_STREAM: u64 = 41;
/// Crops per photo wherever a pool is cut (the app, and the CLI's default): the centre crop and
/// three at seeded offsets.
pub const CROPS_PER_PHOTO: usize = 4;
/// The seed of the pool's crops wherever examples are shown, so the app and `basis examples`
/// show the same crops.
pub const SEED: u64 = 0;
/// Crops per forward pass: bounds memory on any device.
const BATCH: usize = 8;

/// One crop: which photo, and its top-left corner in the photo scaled to [`SHORT_SIDE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crop {
    pub photo: usize,
    pub x: u32,
    pub y: u32,
}

/// `per_photo` crops of each photo: the centre crop first, then crops at seeded offsets.
pub fn crops(photos: &[RgbImage], per_photo: usize, seed: u64) -> Vec<(Crop, RgbImage)> {
    let mut cropper = Cropper::new(per_photo, seed);
    photos.iter().flat_map(|photo| cropper.cut(photo)).collect()
}

/// [`crops`] one photo at a time, for a pool too big to hold as crops: the same crops, in order.
pub struct Cropper {
    rng: SeededRng,
    per_photo: usize,
    photos: usize,
}

impl Cropper {
    pub fn new(per_photo: usize, seed: u64) -> Self {
        Self {
            rng: SeededRng::new(seed, CROP_STREAM),
            per_photo,
            photos: 0,
        }
    }

    /// The next photo's crops.
    pub fn cut(&mut self, photo: &RgbImage) -> Vec<(Crop, RgbImage)> {
        let index = self.photos;
        self.photos += 1;
        let scaled = scaled(photo, SHORT_SIDE, CROP);
        let (sw, sh) = scaled.dimensions();
        (0..self.per_photo)
            .map(|k| {
                let (x, y) = if k == 0 {
                    centre(&scaled, CROP)
                } else {
                    (
                        self.rng.below((sw - CROP + 1) as usize) as u32,
                        self.rng.below((sh - CROP + 1) as usize) as u32,
                    )
                };
                let crop = imageops::crop_imm(&scaled, x, y, CROP, CROP).to_image();
                (Crop { photo: index, x, y }, crop)
            })
            .collect()
    }
}

/// The photo with its short side scaled to `short_side`, and no side below `crop`.
fn scaled(photo: &RgbImage, short_side: u32, crop: u32) -> RgbImage {
    let (w, h) = photo.dimensions();
    let scale = short_side as f64 / w.min(h) as f64;
    let (sw, sh) = (
        ((w as f64 * scale).round() as u32).max(crop),
        ((h as f64 * scale).round() as u32).max(crop),
    );
    imageops::resize(photo, sw, sh, FilterType::Triangle)
}

fn centre(scaled: &RgbImage, crop: u32) -> (u32, u32) {
    ((scaled.width() - crop) / 2, (scaled.height() - crop) / 2)
}

/// ImageNet's evaluation view of a photo, the first of a pool's crops of it: the centre
/// [`CROP`] × [`CROP`] of the photo scaled to [`SHORT_SIDE`].
pub fn centre_crop(photo: &RgbImage) -> RgbImage {
    evaluation_view(photo, CROP)
}

/// The evaluation view at another resolution, as the larger networks were tested: the centre
/// `size` × `size` of the photo whose short side is scaled to `size` / 0.875 (256 for 224, 274
/// for Lite1's 240, 297 for Lite2's 260).
pub fn evaluation_view(photo: &RgbImage, size: u32) -> RgbImage {
    let scaled = scaled(photo, size * 8 / 7, size);
    let (x, y) = centre(&scaled, size);
    imageops::crop_imm(&scaled, x, y, size, size).to_image()
}

/// Activations of the crops at `tap`: `values` is `positions × channels`, row-major, positions in
/// crop order then row-major within a crop's `grid × grid` map.
#[derive(Debug, Clone, PartialEq)]
pub struct Activations {
    pub channels: usize,
    pub grid: usize,
    pub crops: usize,
    pub values: Vec<f32>,
}

impl Activations {
    pub fn positions(&self) -> usize {
        self.values.len() / self.channels
    }
}

pub async fn activations(
    model: &EfficientNetLite,
    device: &Device,
    images: &[RgbImage],
    tap: TapId,
    progress: impl FnMut(usize),
) -> Result<Activations, SessionError> {
    let mut values = Vec::new();
    let grid = each_batch(
        model,
        device,
        images,
        tap,
        |_, rows| values.extend_from_slice(rows),
        progress,
    )
    .await?;
    Ok(Activations {
        channels: tap.channels(),
        grid,
        crops: images.len(),
        values,
    })
}

/// The crops' (square images', all of one size) activations at `tap`, a batch of crops at a time, for callers that keep only part
/// of them: `batch` gets the grid and the batch's `positions × channels` rows (crops in order,
/// row-major within a crop). Returns the grid.
pub async fn each_batch(
    model: &EfficientNetLite,
    device: &Device,
    images: &[RgbImage],
    tap: TapId,
    mut batch: impl FnMut(usize, &[f32]),
    mut progress: impl FnMut(usize),
) -> Result<usize, SessionError> {
    let mut grid = 0;
    for (done, chunk) in images.chunks(BATCH).enumerate() {
        // Square images of one size: the pool's crops, or a picture measured for its fidelity.
        let n = chunk[0].width() as usize;
        let mut data = Vec::with_capacity(chunk.len() * 3 * n * n);
        for image in chunk {
            debug_assert_eq!(image.dimensions(), (n as u32, n as u32));
            for c in 0..3 {
                data.extend(image.pixels().map(|p| p[c] as f32 / 255.0));
            }
        }
        let input = Tensor::<4>::from_data(TensorData::new(data, [chunk.len(), 3, n, n]), device);
        let output = model.forward_to(input, tap);
        let [_, _, h, w] = output.dims();
        grid = h;
        debug_assert_eq!(h, w);
        // [b, c, h, w] → [b, h, w, c]: one row of channels per position.
        let rows = output.permute([0, 2, 3, 1]).into_data_async().await;
        let rows = rows
            .map_err(|e| SessionError::Read(e.to_string()))?
            .try_to_vec::<f32>()
            .map_err(|e| SessionError::Read(format!("{e:?}")))?;
        batch(grid, &rows);
        progress((done + 1) * BATCH.min(chunk.len()));
    }
    Ok(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(w: u32, h: u32, shade: u8) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([shade, (x % 251) as u8, (y % 241) as u8])
        })
    }

    #[test]
    fn a_pool_cut_one_photo_at_a_time_gets_the_same_crops() {
        let photos = [
            photo(400, 300, 10),
            photo(256, 512, 90),
            photo(300, 300, 200),
        ];
        let whole = crops(&photos, 3, 5);
        let mut cropper = Cropper::new(3, 5);
        let one_by_one: Vec<_> = photos.iter().flat_map(|p| cropper.cut(p)).collect();
        assert_eq!(whole, one_by_one);
        assert_eq!(
            whole.iter().map(|(c, _)| c.photo).collect::<Vec<_>>(),
            [0, 0, 0, 1, 1, 1, 2, 2, 2]
        );
        // The centre crop first, then seeded offsets that differ from it.
        assert_eq!(
            (whole[0].0.x, whole[0].0.y),
            ((341 - 224) / 2, (256 - 224) / 2)
        );
        assert_ne!(whole[1].0, whole[2].0);
        // What `centre_crop` shows the network (classify, probe) is each photo's first crop.
        for (k, photo) in photos.iter().enumerate() {
            assert_eq!(centre_crop(photo), whole[3 * k].1);
        }
    }
}
