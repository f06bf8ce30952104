//! Transformation robustness (Lucid's `transform.standard_transforms`): the image must excite the
//! direction after small random shifts, rescalings and rotations, which keeps the optimizer away
//! from high-frequency adversarial patterns.

use burn::tensor::ops::{GridSampleOptions, PadMode};
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::rng::SeededRng;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TransformSettings {
    /// Border added on each side before anything moves, filled with grey (0.5).
    pub pad: usize,
    /// First random crop: up to this many pixels off in x and y.
    pub jitter: usize,
    /// Scale factors are drawn from 11 evenly spaced values in [scale_min, scale_max].
    pub scale_min: f32,
    pub scale_max: f32,
    /// Rotation in whole degrees from −max…max, with max/2 extra chances of 0°, as Lucid's list.
    pub rotate_max_degrees: u32,
    /// Second random crop, after scaling and rotating.
    pub final_jitter: usize,
}

impl Default for TransformSettings {
    /// Lucid's `standard_transforms`.
    fn default() -> Self {
        Self {
            pad: 12,
            jitter: 8,
            scale_min: 0.9,
            scale_max: 1.1,
            rotate_max_degrees: 10,
            final_jitter: 4,
        }
    }
}

const PAD_VALUE: f32 = 0.5;
const SCALE_CHOICES: usize = 11;

impl TransformSettings {
    /// Applies one random draw of the transforms to `[1, 3, h, w]`.
    pub fn apply(&self, image: Tensor<4>, rng: &mut SeededRng) -> Tensor<4> {
        let p = self.pad;
        let image = if p > 0 {
            image.pad((p, p, p, p), PadMode::Constant(PAD_VALUE))
        } else {
            image
        };
        let image = jitter(image, self.jitter, rng);
        let t = rng.below(SCALE_CHOICES) as f32 / (SCALE_CHOICES - 1) as f32;
        let scale = self.scale_min + t * (self.scale_max - self.scale_min);
        let degrees = rotation(self.rotate_max_degrees, rng);
        let image = scale_rotate(image, scale, degrees);
        jitter(image, self.final_jitter, rng)
    }
}

/// Lucid's angle list `range(−max, max + 1) + (max/2)·[0]`: a little extra weight on upright.
fn rotation(max: u32, rng: &mut SeededRng) -> f32 {
    let max = max as usize;
    let index = rng.below(2 * max + 1 + max / 2);
    if index <= 2 * max {
        index as f32 - max as f32
    } else {
        0.0
    }
}

/// A random `(h − d) × (w − d)` crop.
fn jitter(image: Tensor<4>, d: usize, rng: &mut SeededRng) -> Tensor<4> {
    if d == 0 {
        return image;
    }
    let [_, _, h, w] = image.dims();
    let (dy, dx) = (rng.below(d + 1), rng.below(d + 1));
    image.narrow(2, dy, h - d).narrow(3, dx, w - d)
}

/// Bilinear resampling to `⌊scale·size⌋` pixels, rotated about the centre; outside is black as
/// in Lucid's rotate.
fn scale_rotate(image: Tensor<4>, scale: f32, degrees: f32) -> Tensor<4> {
    let [_, _, h, w] = image.dims();
    let (out_h, out_w) = ((scale * h as f32) as usize, (scale * w as f32) as usize);
    if (out_h, out_w) == (h, w) && degrees == 0.0 {
        return image;
    }
    // libm keeps the grid identical natively and in wasm32.
    let (sin, cos) = libm::sincosf(degrees.to_radians());
    let mut grid = Vec::with_capacity(out_h * out_w * 2);
    for i in 0..out_h {
        let v = (2 * i + 1) as f32 / out_h as f32 - 1.0;
        for j in 0..out_w {
            let u = (2 * j + 1) as f32 / out_w as f32 - 1.0;
            grid.push(cos * u - sin * v);
            grid.push(sin * u + cos * v);
        }
    }
    let device: Device = image.device();
    let grid = Tensor::from_data(TensorData::new(grid, [1, out_h, out_w, 2]), &device);
    image.grid_sample_2d(grid, GridSampleOptions::default())
}
