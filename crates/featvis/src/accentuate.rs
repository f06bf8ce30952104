//! Feature accentuation (Hamblin et al., "Feature Accentuation: Revealing 'What' Features Respond
//! to in Natural Images", 2024): instead of noise, the optimization starts from a photo — its
//! parameters inverted through the image parametrization, so the picture before any step *is*
//! the photo — and a penalty, weight · mean((picture − photo)²) over pixels in 0…1, keeps it
//! close, so what changes is what the direction needs in that photo.

use burn::tensor::{Device, Tensor, TensorData};
use image::RgbImage;
use image::imageops::{self, FilterType};

/// The photo as the picture's starting point: its centred square, scaled to `size` (Lanczos, as
/// `image` scales down), as `[3, size, size]` floats in 0…1. The CLI and the page decode the same
/// bytes with the same `image` build, so they start from the same pixels.
pub fn photo_pixels(photo: &RgbImage, size: usize) -> Vec<f32> {
    let (w, h) = photo.dimensions();
    let side = w.min(h);
    let square = imageops::crop_imm(photo, (w - side) / 2, (h - side) / 2, side, side).to_image();
    let scaled = if side as usize == size {
        square
    } else {
        imageops::resize(&square, size as u32, size as u32, FilterType::Lanczos3)
    };
    let plane = size * size;
    let mut out = vec![0.0; 3 * plane];
    for (i, pixel) in scaled.pixels().enumerate() {
        for c in 0..3 {
            out[c * plane + i] = pixel[c] as f32 / 255.0;
        }
    }
    out
}

/// The photos a batch's pictures are held close to, and how strongly: the penalty is summed over
/// images, each weighed by its own weight (0 for an image that started from noise).
#[derive(Debug, Clone)]
pub(crate) struct Anchor {
    /// `[batch, 3, size, size]`.
    photos: Tensor<4>,
    /// `[batch]`.
    weights: Tensor<1>,
}

impl Anchor {
    pub(crate) fn new(photos: Vec<f32>, weights: Vec<f32>, size: usize, device: &Device) -> Self {
        let batch = weights.len();
        Self {
            photos: Tensor::from_data(TensorData::new(photos, [batch, 3, size, size]), device),
            weights: Tensor::from_data(TensorData::new(weights, [batch]), device),
        }
    }

    /// Σ_b weight_b · mean((rgb_b − photo_b)²), for RGB pictures `[batch, 3, size, size]`.
    pub(crate) fn penalty(&self, rgb: Tensor<4>) -> Tensor<1> {
        let [batch, channels, h, w] = rgb.dims();
        let per_image = (rgb - self.photos.clone())
            .square()
            .reshape([batch, channels * h * w])
            .mean_dim(1)
            .reshape([batch]);
        (per_image * self.weights.clone()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_cut_to_its_centred_square_and_kept_as_it_is_at_its_own_size() {
        let photo = RgbImage::from_fn(6, 4, |x, y| image::Rgb([x as u8 * 40, y as u8 * 60, 7]));
        let pixels = photo_pixels(&photo, 4);
        // Columns 1..5 of the 6: the first pixel is (1, 0), the last (4, 3).
        assert_eq!(pixels[0], 40.0 / 255.0);
        assert_eq!(pixels[15], 160.0 / 255.0);
        assert_eq!(pixels[16 + 15], 180.0 / 255.0);
        assert_eq!(pixels[32], 7.0 / 255.0);
    }

    #[test]
    fn the_penalty_is_each_images_mean_squared_difference_times_its_weight() {
        let device = Device::flex();
        let photos = vec![0.5; 2 * 3 * 4];
        let anchor = Anchor::new(photos, vec![2.0, 0.0], 2, &device);
        let mut rgb = vec![0.5; 2 * 3 * 4];
        rgb[0] = 0.9; // image 0: one of 12 values off by 0.4
        rgb[12] = 0.0; // image 1 has no weight
        let rgb = Tensor::from_data(TensorData::new(rgb, [2, 3, 2, 2]), &device);
        let value = anchor.penalty(rgb).into_data().try_to_vec::<f32>().unwrap()[0];
        assert!((value - 2.0 * 0.16 / 12.0).abs() < 1e-7, "{value}");
    }
}
