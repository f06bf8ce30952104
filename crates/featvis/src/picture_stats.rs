//! Low-level statistics of a picture, to read a "spot the neuron" class's win properly: if the
//! neuron's picture is usually the more contrasted or the more colourful of a round's two, a
//! class can pick it without telling neurons from random directions at all.
//!
//! - RMS contrast (Peli 1990): the standard deviation of luminance, 0.2126 R + 0.7152 G +
//!   0.0722 B on the sRGB values in [0, 1] (not linearized: the picture as seen).
//! - Colourfulness (Hasler & Süsstrunk 2003): σ + 0.3 μ of the opponent channels rg = R − G and
//!   yb = (R + G) / 2 − B on 0–255 values; 0 for a grey picture, about 85 for a uniform pure red.
//! - Spectral slope: the slope of log power against log spatial frequency, radially averaged,
//!   of the luminance's Fourier transform; about −2 for natural images, closer to 0 the more
//!   fine detail and noise a picture has.

use rustfft::num_complex::Complex;
use rustfft::{FftDirection, FftPlanner};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PictureStats {
    pub rms_contrast: f32,
    pub colourfulness: f32,
    pub spectral_slope: f32,
}

impl PictureStats {
    /// Of a `size × size` RGBA picture.
    pub fn of_rgba(rgba: &[u8], size: usize) -> Self {
        let pixels: Vec<[f32; 3]> = rgba
            .chunks_exact(4)
            .take(size * size)
            .map(|p| [p[0] as f32, p[1] as f32, p[2] as f32])
            .collect();
        let luminance: Vec<f32> = pixels
            .iter()
            .map(|[r, g, b]| (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255.0)
            .collect();
        Self {
            rms_contrast: mean_and_sd(&luminance).1,
            colourfulness: colourfulness(&pixels),
            spectral_slope: spectral_slope(&luminance, size),
        }
    }
}

fn mean_and_sd(values: &[f32]) -> (f32, f32) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n;
    let variance = values
        .iter()
        .map(|&v| (v as f64 - mean).powi(2))
        .sum::<f64>()
        / n;
    (mean as f32, variance.sqrt() as f32)
}

fn colourfulness(pixels: &[[f32; 3]]) -> f32 {
    let rg: Vec<f32> = pixels.iter().map(|[r, g, _]| r - g).collect();
    let yb: Vec<f32> = pixels.iter().map(|[r, g, b]| (r + g) / 2.0 - b).collect();
    let ((mean_rg, sd_rg), (mean_yb, sd_yb)) = (mean_and_sd(&rg), mean_and_sd(&yb));
    sd_rg.hypot(sd_yb) + 0.3 * mean_rg.hypot(mean_yb)
}

/// The 2-D Fourier transform of a `size × size` grid, in place: rows, then columns.
fn fft2(grid: &mut [Complex<f32>], size: usize, direction: FftDirection) {
    let fft = FftPlanner::new().plan_fft(size, direction);
    for row in grid.chunks_exact_mut(size) {
        fft.process(row);
    }
    let mut column = vec![Complex::default(); size];
    for x in 0..size {
        column
            .iter_mut()
            .enumerate()
            .for_each(|(y, c)| *c = grid[y * size + x]);
        fft.process(&mut column);
        column
            .iter()
            .enumerate()
            .for_each(|(y, c)| grid[y * size + x] = *c);
    }
}

/// The least-squares slope of log power on log frequency, over whole-number radii 1…size/2.
fn spectral_slope(luminance: &[f32], size: usize) -> f32 {
    let mean = mean_and_sd(luminance).0;
    let mut grid: Vec<Complex<f32>> = luminance
        .iter()
        .map(|&v| Complex::new(v - mean, 0.0))
        .collect();
    fft2(&mut grid, size, FftDirection::Forward);
    let half = size / 2;
    let mut power = vec![(0.0f64, 0usize); half + 1];
    for y in 0..size {
        for x in 0..size {
            let fy = if y <= half { y } else { size - y } as f64;
            let fx = if x <= half { x } else { size - x } as f64;
            let radius = fy.hypot(fx).round() as usize;
            if (1..=half).contains(&radius) {
                power[radius].0 += grid[y * size + x].norm_sqr() as f64;
                power[radius].1 += 1;
            }
        }
    }
    let points: Vec<(f64, f64)> = power
        .iter()
        .enumerate()
        .filter(|(_, (sum, count))| *count > 0 && *sum > 0.0)
        .map(|(radius, (sum, count))| ((radius as f64).ln(), (sum / *count as f64).ln()))
        .collect();
    let n = points.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let covariance: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let variance: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    (covariance / variance) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(size: usize, pixel: impl Fn(usize, usize) -> [u8; 3]) -> Vec<u8> {
        (0..size * size)
            .flat_map(|i| {
                let [r, g, b] = pixel(i % size, i / size);
                [r, g, b, 255]
            })
            .collect()
    }

    #[test]
    fn a_grey_picture_has_no_contrast_and_no_colour() {
        let stats = PictureStats::of_rgba(&rgba(16, |_, _| [128, 128, 128]), 16);
        assert_eq!((stats.rms_contrast, stats.colourfulness), (0.0, 0.0));
    }

    #[test]
    fn black_and_white_halves_have_contrast_one_half_and_no_colour() {
        let stats =
            PictureStats::of_rgba(&rgba(16, |x, _| if x < 8 { [0; 3] } else { [255; 3] }), 16);
        assert!((stats.rms_contrast - 0.5).abs() < 1e-6, "{stats:?}");
        assert_eq!(stats.colourfulness, 0.0);
    }

    #[test]
    fn uniform_pure_red_has_hasler_and_susstrunk_s_colourfulness() {
        // rg = 255, yb = 127.5, no spread: 0.3 · √(255² + 127.5²) = 85.53.
        let stats = PictureStats::of_rgba(&rgba(8, |_, _| [255, 0, 0]), 8);
        assert!((stats.colourfulness - 85.53).abs() < 0.01, "{stats:?}");
    }

    #[test]
    fn the_slope_of_a_power_law_spectrum_is_its_exponent() {
        // A cosine for every frequency of the upper half-plane, amplitude 1/f, seeded phases:
        // power falls as 1/f², slope −2.
        let size = 32;
        let half = size as i32 / 2;
        let waves: Vec<(f32, f32, f32, f32)> = (0..half)
            .flat_map(|fy| (-half + 1..half).map(move |fx| (fx, fy)))
            .filter(|&(fx, fy)| fy > 0 || fx > 0)
            .enumerate()
            .map(|(i, (fx, fy))| {
                let f = (fx as f32).hypot(fy as f32);
                let phase = (i as f32 * 2.399_963).sin() * 1e3;
                (fx as f32, fy as f32, 1.0 / f, phase)
            })
            .collect();
        let luminance: Vec<f32> = (0..size * size)
            .map(|i| {
                let (x, y) = ((i % size) as f32, (i / size) as f32);
                let w = std::f32::consts::TAU / size as f32;
                waves
                    .iter()
                    .map(|(fx, fy, a, phase)| a * (w * (fx * x + fy * y) + phase).cos())
                    .sum()
            })
            .collect();
        let slope = spectral_slope(&luminance, size);
        assert!((slope + 2.0).abs() < 0.2, "slope {slope}");
    }
}
