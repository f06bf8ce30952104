//! Transformation robustness (Lucid's `transform.standard_transforms`): the image must excite the
//! direction after small random shifts, rescalings and rotations, which keeps the optimizer away
//! from high-frequency adversarial patterns.

use burn::tensor::Tensor;
use burn::tensor::ops::PadMode;

use crate::resample::resample;
use crate::rng::SeededRng;

/// The recipe crate's: one set of fields and defaults (Lucid's `standard_transforms`), which
/// `wire::v1` pins for links.
pub use basis_recipe::TransformSettings;

const PAD_VALUE: f32 = 0.5;
const SCALE_CHOICES: usize = 11;

/// One random draw of the transforms: every number that moves the image in one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    /// First crop's offset (rows, columns) into the padded image.
    pub offset: (usize, usize),
    pub scale: f32,
    pub degrees: f32,
    /// Second crop's offset, after scaling and rotating.
    pub final_offset: (usize, usize),
}

/// Draws the numbers for one step, in Lucid's order.
pub fn draw(settings: &TransformSettings, rng: &mut SeededRng) -> Draw {
    let offset = crop_offset(settings.jitter, rng);
    let t = rng.below(SCALE_CHOICES) as f32 / (SCALE_CHOICES - 1) as f32;
    let scale = settings.scale_min + t * (settings.scale_max - settings.scale_min);
    let degrees = rotation(settings.rotate_max_degrees, rng);
    let final_offset = crop_offset(settings.final_jitter, rng);
    Draw {
        offset,
        scale,
        degrees,
        final_offset,
    }
}

/// Applies one random draw of the transforms to `[n, 3, h, w]`.
pub fn apply(settings: &TransformSettings, image: Tensor<4>, rng: &mut SeededRng) -> Tensor<4> {
    let draw = draw(settings, rng);
    apply_draw(settings, image, &draw)
}

/// Pads, crops, scales and rotates, crops again, exactly as `draw` says.
pub fn apply_draw(settings: &TransformSettings, image: Tensor<4>, draw: &Draw) -> Tensor<4> {
    let p = settings.pad;
    let image = if p > 0 {
        image.pad((p, p, p, p), PadMode::Constant(PAD_VALUE))
    } else {
        image
    };
    let image = crop(image, settings.jitter, draw.offset);
    let image = scale_rotate(image, draw.scale, draw.degrees);
    crop(image, settings.final_jitter, draw.final_offset)
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

/// A crop offset in `0..=d` each way; no jitter draws nothing (permalinks pin the sequence).
fn crop_offset(d: usize, rng: &mut SeededRng) -> (usize, usize) {
    if d == 0 {
        return (0, 0);
    }
    (rng.below(d + 1), rng.below(d + 1))
}

/// The `(h − d) × (w − d)` crop at `(dy, dx)`.
fn crop(image: Tensor<4>, d: usize, (dy, dx): (usize, usize)) -> Tensor<4> {
    if d == 0 {
        return image;
    }
    let [_, _, h, w] = image.dims();
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
    // A batch shares one draw: the same taps for every image.
    resample(image, &grid, [out_h, out_w])
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    const SIZE: usize = 40;

    /// A black image with one bright pixel in every channel at `(y, x)`.
    fn dot(y: usize, x: usize) -> Tensor<4> {
        let mut values = vec![0.0f32; 3 * SIZE * SIZE];
        for c in 0..3 {
            values[(c * SIZE + y) * SIZE + x] = 1.0;
        }
        Tensor::from_data(TensorData::new(values, [1, 3, SIZE, SIZE]), &Device::flex())
    }

    /// Where the brightest pixel of channel 0 is, and the image's side.
    fn brightest(image: Tensor<4>) -> ((usize, usize), usize) {
        let [_, _, h, w] = image.dims();
        let values = image
            .narrow(1, 0, 1)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        let at = (0..values.len())
            .max_by(|&a, &b| values[a].total_cmp(&values[b]))
            .unwrap();
        assert_eq!(h, w);
        ((at / w, at % w), h)
    }

    /// Where a pixel centre lands after resampling to `⌊scale·n⌋` pixels rotated by `degrees`,
    /// from the sampling grid's definition (pixel centres, `align_corners = false`).
    fn resampled(y: usize, x: usize, n: usize, scale: f32, degrees: f32) -> (f64, f64) {
        let out = (scale * n as f32) as f64;
        let n = n as f64;
        let (u, v) = ((2 * x + 1) as f64 / n - 1.0, (2 * y + 1) as f64 / n - 1.0);
        let (sin, cos) = (degrees as f64).to_radians().sin_cos();
        // The grid maps output (u', v') to input (cos·u' − sin·v', sin·u' + cos·v'): invert it.
        let (uo, vo) = (cos * u + sin * v, -sin * u + cos * v);
        (
            ((vo + 1.0) * out - 1.0) / 2.0,
            ((uo + 1.0) * out - 1.0) / 2.0,
        )
    }

    #[test]
    fn padding_and_crops_move_a_dot_by_whole_pixels() {
        let settings = TransformSettings {
            pad: 5,
            jitter: 6,
            scale_min: 1.0,
            scale_max: 1.0,
            rotate_max_degrees: 0,
            final_jitter: 3,
        };
        let draw = Draw {
            offset: (4, 1),
            scale: 1.0,
            degrees: 0.0,
            final_offset: (2, 3),
        };
        let (at, side) = brightest(apply_draw(&settings, dot(10, 20), &draw));
        assert_eq!(side, SIZE + 2 * 5 - 6 - 3);
        assert_eq!(at, (10 + 5 - 4 - 2, 20 + 5 - 1 - 3));
    }

    #[test]
    fn scaling_and_rotation_move_a_dot_where_the_geometry_says() {
        let settings = TransformSettings {
            pad: 0,
            jitter: 0,
            scale_min: 0.9,
            scale_max: 1.1,
            rotate_max_degrees: 10,
            final_jitter: 0,
        };
        for (y, x, scale, degrees) in [
            (12, 30, 1.1, 0.0),
            (12, 30, 0.9, 0.0),
            (8, 28, 1.0, 10.0),
            (30, 9, 1.1, -10.0),
        ] {
            let draw = Draw {
                offset: (0, 0),
                scale,
                degrees,
                final_offset: (0, 0),
            };
            let ((row, col), side) = brightest(apply_draw(&settings, dot(y, x), &draw));
            assert_eq!(side, (scale * SIZE as f32) as usize);
            let (ey, ex) = resampled(y, x, SIZE, scale, degrees);
            assert!(
                (row as f64 - ey).abs() <= 1.0 && (col as f64 - ex).abs() <= 1.0,
                "dot ({y}, {x}) at scale {scale}, {degrees}°: found ({row}, {col}), expected ({ey:.1}, {ex:.1})"
            );
        }
    }

    #[test]
    fn draws_follow_lucids_lists() {
        let settings = TransformSettings::default();
        let mut rng = SeededRng::new(5, 0);
        let mut zero_degrees = 0;
        for _ in 0..2000 {
            let draw = draw(&settings, &mut rng);
            assert!(draw.offset.0 <= 8 && draw.offset.1 <= 8);
            assert!(draw.final_offset.0 <= 4 && draw.final_offset.1 <= 4);
            let step = (draw.scale - 0.9) / 0.02;
            assert!((step - step.round()).abs() < 1e-3 && (0.0..=10.0).contains(&step.round()));
            assert!(draw.degrees.fract() == 0.0 && draw.degrees.abs() <= 10.0);
            zero_degrees += (draw.degrees == 0.0) as usize;
        }
        // 0° has 1 + 5 of 26 chances.
        let share = zero_degrees as f64 / 2000.0;
        assert!((share - 6.0 / 26.0).abs() < 0.03, "{share}");
    }
}
