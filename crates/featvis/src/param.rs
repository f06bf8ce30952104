//! How an image is parametrized (Lucid's `param.image`): a 1/f-scaled Fourier spectrum or plain
//! pixels, mapped through Lucid's colour-decorrelation matrix and a sigmoid to RGB in (0, 1).

use crate::rng::SeededRng;
use burn::tensor::{Device, Tensor, TensorData};

/// The recipe crate's: one set of fields and defaults, which `wire::v1` pins for links. The Fourier
/// parametrization's 1/f scaling decorrelates pixels, so the optimizer sees an image whose every
/// frequency matters as much.
pub use basis_recipe::{ImageSettings, Parametrization};

/// Square root of the colour covariance of ImageNet, as in Lucid (`color_correlation_svd_sqrt`).
const COLOR_CORRELATION_SVD_SQRT: [[f32; 3]; 3] =
    [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]];

/// Turns parameters into a batch of images; built once per size and batch, the constant matrices
/// live on the device. The batch sits inside the parameters (`[3, rows, batch, columns]`) so that
/// the inverse DFT and the colour mapping stay single matrix products for any batch, and one
/// image's parameters are laid out exactly as a batch of one's.
#[derive(Debug, Clone)]
pub struct ImageParam {
    size: usize,
    batch: usize,
    kind: Kind,
    /// Colour decorrelation, normalized by the largest column norm as Lucid does, `[3, 3]`.
    color: Tensor<2>,
}

#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "one per image parameterization, made once per session and never moved in bulk"
)]
enum Kind {
    /// Parameters are `[3, 2h, batch, wf]`: real parts stacked over imaginary parts, `wf = w/2 + 1`.
    /// The inverse real 2-D DFT is two matrix products (no power-of-two restriction, and the same
    /// kernels on every backend): `rows` mixes along height, `cols` folds the half spectrum back
    /// to real pixels along width. `scale` holds the 1/f weights and every normalization.
    Fft {
        decay_power: f32,
        scale: Tensor<4>,
        rows: Tensor<3>,
        cols: Tensor<3>,
    },
    /// Parameters are `[3, h, batch, w]`.
    Pixel,
}

impl ImageParam {
    pub fn new(settings: &ImageSettings, batch: usize, device: &Device) -> Self {
        let n = settings.size;
        let kind = match settings.parametrization {
            Parametrization::Fft { decay_power } => fft_kind(n, decay_power, device),
            Parametrization::Pixel => Kind::Pixel,
        };
        let color: Vec<f32> = color_matrix().into_iter().flatten().collect();
        let color = Tensor::from_data(TensorData::new(color, [3, 3]), device);
        Self {
            size: settings.size,
            batch,
            kind,
            color,
        }
    }

    /// Width and height of each image.
    pub fn size(&self) -> usize {
        self.size
    }

    pub fn shape(&self) -> [usize; 4] {
        let (rows, columns) = match self.kind {
            Kind::Fft { .. } => (2 * self.size, self.size / 2 + 1),
            Kind::Pixel => (self.size, self.size),
        };
        [3, rows, self.batch, columns]
    }

    /// Fresh parameters: i.i.d. Gaussians with the given standard deviation, image `b` drawn from
    /// `seeds[b]` alone (in the order a batch of one draws them), so an image does not depend on
    /// its neighbours.
    pub fn init(&self, sd: f32, seeds: &[u64], stream: u64, device: &Device) -> Tensor<4> {
        assert_eq!(seeds.len(), self.batch, "one seed per image");
        let [channels, rows, batch, columns] = self.shape();
        let per_image: Vec<Vec<f32>> = seeds
            .iter()
            .map(|&seed| SeededRng::new(seed, stream).normals(channels * rows * columns, sd as f64))
            .collect();
        let mut values = Vec::with_capacity(channels * rows * batch * columns);
        for row in 0..channels * rows {
            for image in &per_image {
                values.extend_from_slice(&image[row * columns..(row + 1) * columns]);
            }
        }
        Tensor::from_data(TensorData::new(values, self.shape()), device)
    }

    /// The images before colour mapping, `[3, size, batch, size]`: for the FFT parametrization,
    /// the inverse real 2-D DFT of the weighted spectrum.
    fn spatial(&self, params: Tensor<4>) -> Tensor<4> {
        let (n, b) = (self.size, self.batch);
        match &self.kind {
            Kind::Fft {
                scale, rows, cols, ..
            } => {
                let wf = n / 2 + 1;
                let weighted = (params * scale.clone()).reshape([3, 2 * n, b * wf]);
                let mixed = rows.clone().matmul(weighted);
                let (real, imag) = (mixed.clone().narrow(1, 0, n), mixed.narrow(1, n, n));
                let halves = |t: Tensor<3>| t.reshape([3, n * b, wf]);
                Tensor::cat(vec![halves(real), halves(imag)], 2)
                    .matmul(cols.clone())
                    .reshape([3, n, b, n])
            }
            Kind::Pixel => params,
        }
    }

    /// RGB in (0, 1), `[batch, 3, size, size]`.
    pub fn rgb(&self, params: Tensor<4>) -> Tensor<4> {
        let (n, b) = (self.size, self.batch);
        let decorrelated = self
            .color
            .clone()
            .matmul(self.spatial(params).reshape([3, n * b * n]));
        burn::tensor::activation::sigmoid(decorrelated)
            .reshape([3, n, b, n])
            .permute([2, 0, 1, 3])
    }
}

/// One weight per frequency of the half spectrum, `[n, n/2 + 1]` row-major. Lucid scales by
/// √(h·w) so the transform is unitary, divides the image by 4, and irfft2d divides by h·w; all
/// three fold into one weight with the 1/f scaling.
/// How far inside (0, 1) a photo's pixels are put before the sigmoid is inverted: 0 and 1 are
/// out of its reach, and a quarter of an 8-bit step still rounds back to the same byte.
const PHOTO_MARGIN: f64 = 0.25 / 255.0;

impl ImageParam {
    /// The parameters of one image whose [`ImageParam::rgb`] is `rgb` (`[3, size, size]`, 0…1)
    /// to within a small fraction of an 8-bit step, laid out as one image of
    /// [`ImageParam::shape`] (`[3, rows, columns]`): the sigmoid, the colour mapping and, for the
    /// Fourier parametrization, the weighted inverse DFT undone, in f64 on the host.
    pub fn invert(&self, rgb: &[f32]) -> Vec<f32> {
        let n = self.size;
        assert_eq!(
            rgb.len(),
            3 * n * n,
            "one image of the parametrization's size"
        );
        let decorrelated = uncorrelate(rgb);
        match self.kind {
            Kind::Pixel => decorrelated.iter().map(|&v| v as f32).collect(),
            Kind::Fft { decay_power, .. } => fourier_params(&decorrelated, n, decay_power),
        }
    }
}

/// Lucid's colour decorrelation normalized by its largest column norm, as the forward mapping
/// multiplies by it.
fn color_matrix() -> [[f32; 3]; 3] {
    let max_norm = (0..3)
        .map(|col| {
            COLOR_CORRELATION_SVD_SQRT
                .iter()
                .map(|row| row[col] * row[col])
                .sum::<f32>()
                .sqrt()
        })
        .fold(0.0, f32::max);
    COLOR_CORRELATION_SVD_SQRT.map(|row| row.map(|v| v / max_norm))
}

/// `[3, n, n]` pixels in 0…1 → what the colour mapping turns into them: logit, then the inverse of
/// the normalized colour matrix.
fn uncorrelate(rgb: &[f32]) -> Vec<f64> {
    // The inverse of the very matrix the forward mapping uses, its f32 entries included.
    let forward = color_matrix();
    let color = nalgebra::Matrix3::from_fn(|r, c| forward[r][c] as f64);
    let inverse = color
        .try_inverse()
        .expect("Lucid's colour matrix is invertible");
    let plane = rgb.len() / 3;
    let logit = |v: f32| {
        let p = (v as f64).clamp(PHOTO_MARGIN, 1.0 - PHOTO_MARGIN);
        (p / (1.0 - p)).ln()
    };
    let mut out = vec![0.0; rgb.len()];
    for i in 0..plane {
        let pixel = nalgebra::Vector3::new(
            logit(rgb[i]),
            logit(rgb[plane + i]),
            logit(rgb[2 * plane + i]),
        );
        let spatial = inverse * pixel;
        for c in 0..3 {
            out[c * plane + i] = spatial[c];
        }
    }
    out
}

/// The Fourier parameters of `[3, n, n]` spatial planes: each plane's forward 2-D DFT, halved
/// (the other half mirrors it), divided by the weights [`ImageParam::rgb`] multiplies by and by
/// the n² an unnormalized inverse adds; real parts stacked over imaginary parts.
fn fourier_params(planes: &[f64], n: usize, decay_power: f32) -> Vec<f32> {
    use rustfft::num_complex::Complex;
    let wf = n / 2 + 1;
    let weights = spectrum_weights(n, decay_power);
    let fft = rustfft::FftPlanner::<f64>::new().plan_fft_forward(n);
    let mut params = vec![0.0f32; 3 * 2 * n * wf];
    for (c, plane) in planes.chunks_exact(n * n).enumerate() {
        let mut grid: Vec<Complex<f64>> = plane.iter().map(|&v| Complex::new(v, 0.0)).collect();
        for row in grid.chunks_exact_mut(n) {
            fft.process(row);
        }
        for kx in 0..wf {
            let mut column: Vec<Complex<f64>> = (0..n).map(|y| grid[y * n + kx]).collect();
            fft.process(&mut column);
            for (ky, value) in column.into_iter().enumerate() {
                let divisor = (n * n) as f64 * weights[ky * wf + kx];
                let at = |part: usize| ((c * 2 + part) * n + ky) * wf + kx;
                params[at(0)] = (value.re / divisor) as f32;
                params[at(1)] = (value.im / divisor) as f32;
            }
        }
    }
    params
}

fn spectrum_weights(n: usize, decay_power: f32) -> Vec<f64> {
    let wf = n / 2 + 1;
    // numpy's fftfreq: k/n for k < n/2 (rounded up), then negative frequencies.
    let freq = |k: usize| {
        if k < n.div_ceil(2) {
            k as f64 / n as f64
        } else {
            k as f64 / n as f64 - 1.0
        }
    };
    let norm = (n * n) as f64;
    let mut weights = Vec::with_capacity(n * wf);
    for ky in 0..n {
        for kx in 0..wf {
            let f = (freq(kx).powi(2) + freq(ky).powi(2))
                .sqrt()
                .max(1.0 / n as f64);
            weights.push(norm.sqrt() / f.powf(decay_power as f64) / 4.0 / norm);
        }
    }
    weights
}

fn fft_kind(n: usize, decay_power: f32, device: &Device) -> Kind {
    use std::f64::consts::TAU;
    let wf = n / 2 + 1;
    let weights = spectrum_weights(n, decay_power);
    let scale: Vec<f32> = weights.iter().chain(&weights).map(|&w| w as f32).collect();
    // Complex inverse DFT along height, acting on [real; imag]: [[C, −S], [S, C]].
    let angle = |a: usize, b: usize| TAU * ((a * b) % n) as f64 / n as f64;
    let mut rows = vec![0.0f32; 4 * n * n];
    for m in 0..n {
        for k in 0..n {
            let (s, c) = libm::sincos(angle(m, k));
            rows[m * 2 * n + k] = c as f32;
            rows[m * 2 * n + n + k] = -s as f32;
            rows[(n + m) * 2 * n + k] = s as f32;
            rows[(n + m) * 2 * n + n + k] = c as f32;
        }
    }
    // Real inverse DFT along width from the half spectrum, acting on [real | imag]: the bins
    // that stand for a conjugate pair count twice; DC and Nyquist once.
    let mut cols = vec![0.0f32; 2 * wf * n];
    for k in 0..wf {
        let weight = if k == 0 || 2 * k == n { 1.0 } else { 2.0 };
        for j in 0..n {
            let (s, c) = libm::sincos(angle(k, j));
            cols[k * n + j] = (weight * c) as f32;
            cols[(wf + k) * n + j] = (-weight * s) as f32;
        }
    }
    let matrix = |values: Vec<f32>, shape: [usize; 3]| {
        Tensor::from_data(TensorData::new(values, shape), device)
    };
    Kind::Fft {
        decay_power,
        scale: Tensor::from_data(TensorData::new(scale, [1, 2 * n, 1, wf]), device),
        rows: matrix(rows, [1, 2 * n, 2 * n]).repeat_dim(0, 3),
        cols: matrix(cols, [1, 2 * wf, n]).repeat_dim(0, 3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::optim::{AdamConfig, Optimizer};
    use realfft::RealFftPlanner;
    use realfft::num_complex::Complex;
    use rustfft::FftPlanner;

    fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
        tensor.into_data().try_to_vec::<f32>().unwrap()
    }

    /// numpy's / TensorFlow's `irfft2d` of one channel's `[n, n/2 + 1]` spectrum, unnormalized:
    /// a complex inverse FFT down each column, then a real inverse FFT along each row.
    fn irfft2(spectrum: &[Vec<Complex<f64>>], n: usize) -> Vec<f64> {
        let wf = n / 2 + 1;
        let column_fft = FftPlanner::<f64>::new().plan_fft_inverse(n);
        let mut rows = vec![vec![Complex::new(0.0, 0.0); wf]; n];
        for kx in 0..wf {
            let mut column: Vec<Complex<f64>> = (0..n).map(|ky| spectrum[ky][kx]).collect();
            column_fft.process(&mut column);
            for (y, value) in column.into_iter().enumerate() {
                rows[y][kx] = value;
            }
        }
        let row_fft = RealFftPlanner::<f64>::new().plan_fft_inverse(n);
        let mut image = Vec::with_capacity(n * n);
        for mut row in rows {
            // A real signal's DC and Nyquist bins are real: their imaginary parts carry nothing.
            row[0].im = 0.0;
            if n.is_multiple_of(2) {
                row[wf - 1].im = 0.0;
            }
            let mut out = vec![0.0; n];
            row_fft.process(&mut row, &mut out).unwrap();
            image.extend(out);
        }
        image
    }

    #[test]
    fn the_fourier_parametrization_is_an_inverse_real_fft_of_the_weighted_spectrum() {
        let device = Device::flex();
        let batch = 2;
        for n in [8, 9, 16] {
            let settings = ImageSettings {
                size: n,
                parametrization: Parametrization::Fft { decay_power: 1.0 },
                init_sd: 0.5,
            };
            let param = ImageParam::new(&settings, batch, &device);
            let params = param.init(1.0, &[3, 4], 0, &device);
            let Kind::Fft { scale, .. } = &param.kind else {
                unreachable!()
            };
            let (p, w) = (values(params.clone()), values(scale.clone()));
            let ours = values(param.spatial(params));
            let wf = n / 2 + 1;
            for (image, channel) in (0..batch).flat_map(|b| (0..3).map(move |c| (b, c))) {
                let at = |part: usize, ky: usize, kx: usize| {
                    let row = channel * 2 * n + part * n + ky;
                    p[(row * batch + image) * wf + kx] as f64 * w[(part * n + ky) * wf + kx] as f64
                };
                let spectrum: Vec<Vec<Complex<f64>>> = (0..n)
                    .map(|ky| {
                        (0..wf)
                            .map(|kx| Complex::new(at(0, ky, kx), at(1, ky, kx)))
                            .collect()
                    })
                    .collect();
                let expected = irfft2(&spectrum, n);
                for (y, x) in (0..n).flat_map(|y| (0..n).map(move |x| (y, x))) {
                    let got = ours[((channel * n + y) * batch + image) * n + x] as f64;
                    let e = expected[y * n + x];
                    assert!((got - e).abs() < 1e-4, "n {n}, image {image}: {got} vs {e}");
                }
            }
        }
    }

    #[test]
    fn each_image_of_a_batch_is_the_image_its_seed_makes_alone() {
        let device = Device::flex();
        for parametrization in [
            Parametrization::Fft { decay_power: 1.0 },
            Parametrization::Pixel,
        ] {
            let settings = ImageSettings {
                size: 12,
                parametrization,
                init_sd: 0.5,
            };
            let batch = ImageParam::new(&settings, 3, &device);
            let images = values(batch.rgb(batch.init(0.5, &[7, 8, 9], 2, &device)));
            for (b, seed) in [7, 8, 9].into_iter().enumerate() {
                let alone = ImageParam::new(&settings, 1, &device);
                let image = values(alone.rgb(alone.init(0.5, &[seed], 2, &device)));
                let slice = &images[b * image.len()..(b + 1) * image.len()];
                assert!(
                    slice.iter().zip(&image).all(|(a, b)| (a - b).abs() < 1e-6),
                    "{parametrization:?}: image {b} differs from seed {seed} alone"
                );
            }
        }
    }

    /// Feature accentuation starts from a photo: its parameters must draw the photo again, byte
    /// for byte, including pure black and white, at odd and even sizes.
    #[test]
    fn inverted_parameters_draw_the_image_again_byte_for_byte() {
        let device = Device::flex();
        for parametrization in [
            Parametrization::Fft { decay_power: 1.0 },
            Parametrization::Fft { decay_power: 1.7 },
            Parametrization::Pixel,
        ] {
            for n in [9, 16, 64] {
                let settings = ImageSettings {
                    size: n,
                    parametrization,
                    init_sd: 0.01,
                };
                let param = ImageParam::new(&settings, 1, &device);
                let mut rng = SeededRng::new(n as u64, 0);
                let mut bytes: Vec<u8> = (0..3 * n * n).map(|_| rng.below(256) as u8).collect();
                bytes[0] = 0;
                bytes[1] = 255;
                let rgb: Vec<f32> = bytes.iter().map(|&b| b as f32 / 255.0).collect();
                let params =
                    Tensor::from_data(TensorData::new(param.invert(&rgb), param.shape()), &device);
                let drawn: Vec<u8> = values(param.rgb(params))
                    .iter()
                    .map(|v| (v * 255.0).round().clamp(0.0, 255.0) as u8)
                    .collect();
                assert_eq!(drawn, bytes, "{parametrization:?} at {n} px");
            }
        }
    }

    #[test]
    fn the_lowest_frequencies_weigh_most() {
        let device = Device::flex();
        let param = ImageParam::new(
            &ImageSettings {
                size: 16,
                ..Default::default()
            },
            1,
            &device,
        );
        let Kind::Fft { scale, .. } = &param.kind else {
            unreachable!()
        };
        let w = values(scale.clone());
        // DC and the first harmonic share the floor 1/n; then 1/f falls off.
        assert_eq!(w[0], w[1]);
        assert!(w[1] > w[2] && w[2] > w[8]);
    }

    /// Lucid's check that a parametrization can express real images: fit a photo through it.
    #[test]
    fn a_real_photo_can_be_fitted_through_either_parametrization() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../public/photos/chelsea.png"
        );
        let photo = image::open(path)
            .unwrap_or_else(|e| panic!("{path}: {e}; run `basis setup-weights` first"))
            .resize_exact(32, 32, image::imageops::FilterType::Triangle)
            .to_rgb8();
        let n = 32;
        let mut target = vec![0.0f32; 3 * n * n];
        for (x, y, pixel) in photo.enumerate_pixels() {
            for c in 0..3 {
                // Inside the sigmoid's range: 0 and 1 themselves are unreachable.
                target[(c * n + y as usize) * n + x as usize] =
                    (pixel[c] as f32 / 255.0).clamp(0.02, 0.98);
            }
        }
        let device = Device::flex().autodiff();
        let target = Tensor::<4>::from_data(TensorData::new(target, [1, 3, n, n]), &device);
        for parametrization in [
            Parametrization::Fft { decay_power: 1.0 },
            Parametrization::Pixel,
        ] {
            let settings = ImageSettings {
                size: n,
                parametrization,
                init_sd: 0.01,
            };
            let param = ImageParam::new(&settings, 1, &device);
            let mut params = param.init(0.01, &[1], 0, &device);
            let adam = AdamConfig::new().build();
            let mut state = None;
            let error = |params: Tensor<4>| (param.rgb(params) - target.clone()).square().mean();
            let before = values(error(params.clone()))[0];
            for _ in 0..300 {
                let p = params.clone().require_grad();
                let grads = error(p.clone()).backward();
                let grad = p.grad(&grads).unwrap();
                let (updated, s) = adam.step(0.05, p.inner(), grad, state.take());
                params = updated.autodiff();
                state = s;
            }
            let after = values(error(params))[0];
            assert!(
                after < 0.002 && after < before / 20.0,
                "{parametrization:?}: {before} → {after}"
            );
        }
    }
}
