//! How an image is parametrized (Lucid's `param.image`): a 1/f-scaled Fourier spectrum or plain
//! pixels, mapped through Lucid's colour-decorrelation matrix and a sigmoid to RGB in (0, 1).

use burn::tensor::{Device, Tensor, TensorData};
use crate::rng::SeededRng;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Parametrization {
    /// Spectrum scaled by 1 / frequency^decay_power: decorrelates pixels, so the optimizer sees
    /// an image whose every frequency matters as much.
    Fft {
        decay_power: f32,
    },
    Pixel,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageSettings {
    /// Width and height in pixels.
    pub size: usize,
    pub parametrization: Parametrization,
    /// Standard deviation of the initial Gaussian parameters.
    pub init_sd: f32,
}

impl Default for ImageSettings {
    fn default() -> Self {
        Self {
            size: 128,
            parametrization: Parametrization::Fft { decay_power: 1.0 },
            init_sd: 0.01,
        }
    }
}

/// Square root of the colour covariance of ImageNet, as in Lucid (`color_correlation_svd_sqrt`).
const COLOR_CORRELATION_SVD_SQRT: [[f32; 3]; 3] =
    [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]];

/// Turns parameters into an image; built once per size, the constant matrices live on the device.
#[derive(Debug, Clone)]
pub struct ImageParam {
    size: usize,
    kind: Kind,
    /// Colour decorrelation, normalized by the largest column norm as Lucid does, `[3, 3]`.
    color: Tensor<2>,
}

#[derive(Debug, Clone)]
enum Kind {
    /// Parameters are `[3, 2h, wf]`: real parts stacked over imaginary parts, `wf = w/2 + 1`.
    /// The inverse real 2-D DFT is two matrix products (no power-of-two restriction, and the same
    /// kernels on every backend): `rows` mixes along height, `cols` folds the half spectrum back
    /// to real pixels along width. `scale` holds the 1/f weights and every normalization.
    Fft {
        scale: Tensor<3>,
        rows: Tensor<3>,
        cols: Tensor<3>,
    },
    /// Parameters are `[3, h, w]`.
    Pixel,
}

impl ImageParam {
    pub fn new(settings: &ImageSettings, device: &Device) -> Self {
        let n = settings.size;
        let kind = match settings.parametrization {
            Parametrization::Fft { decay_power } => fft_kind(n, decay_power, device),
            Parametrization::Pixel => Kind::Pixel,
        };
        let max_norm = (0..3)
            .map(|col| {
                COLOR_CORRELATION_SVD_SQRT
                    .iter()
                    .map(|row| row[col] * row[col])
                    .sum::<f32>()
                    .sqrt()
            })
            .fold(0.0, f32::max);
        let color: Vec<f32> = COLOR_CORRELATION_SVD_SQRT
            .iter()
            .flatten()
            .map(|v| v / max_norm)
            .collect();
        let color = Tensor::from_data(TensorData::new(color, [3, 3]), device);
        Self {
            size: settings.size,
            kind,
            color,
        }
    }

    pub fn shape(&self) -> [usize; 3] {
        match self.kind {
            Kind::Fft { .. } => [3, 2 * self.size, self.size / 2 + 1],
            Kind::Pixel => [3, self.size, self.size],
        }
    }

    /// Fresh parameters: i.i.d. Gaussians with the given standard deviation.
    pub fn init(&self, sd: f32, rng: &mut SeededRng, device: &Device) -> Tensor<3> {
        let shape = self.shape();
        let values = rng.normals(shape.iter().product(), sd as f64);
        Tensor::from_data(TensorData::new(values, shape), device)
    }

    /// The image before colour mapping, `[3, size, size]`: for the FFT parametrization, the
    /// inverse real 2-D DFT of the weighted spectrum.
    fn spatial(&self, params: Tensor<3>) -> Tensor<3> {
        let n = self.size;
        match &self.kind {
            Kind::Fft { scale, rows, cols } => {
                let mixed = rows.clone().matmul(params * scale.clone());
                let (real, imag) = (mixed.clone().narrow(1, 0, n), mixed.narrow(1, n, n));
                Tensor::cat(vec![real, imag], 2).matmul(cols.clone())
            }
            Kind::Pixel => params,
        }
    }

    /// RGB in (0, 1), `[1, 3, size, size]`.
    pub fn rgb(&self, params: Tensor<3>) -> Tensor<4> {
        let n = self.size;
        let decorrelated = self
            .color
            .clone()
            .matmul(self.spatial(params).reshape([3, n * n]));
        burn::tensor::activation::sigmoid(decorrelated).reshape([1, 3, n, n])
    }
}

fn fft_kind(n: usize, decay_power: f32, device: &Device) -> Kind {
    use std::f64::consts::TAU;
    let wf = n / 2 + 1;
    // numpy's fftfreq: k/n for k < n/2 (rounded up), then negative frequencies.
    let freq = |k: usize| {
        if k < n.div_ceil(2) {
            k as f64 / n as f64
        } else {
            k as f64 / n as f64 - 1.0
        }
    };
    // Lucid scales by √(h·w) so the transform is unitary, divides the image by 4, and irfft2d
    // divides by h·w; all three fold into one weight per frequency.
    let norm = (n * n) as f64;
    let mut scale = Vec::with_capacity(2 * n * wf);
    for _part in 0..2 {
        for ky in 0..n {
            for kx in 0..wf {
                let f = (freq(kx).powi(2) + freq(ky).powi(2))
                    .sqrt()
                    .max(1.0 / n as f64);
                scale.push((norm.sqrt() / f.powf(decay_power as f64) / 4.0 / norm) as f32);
            }
        }
    }
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
        scale: matrix(scale, [1, 2 * n, wf]),
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
            if n % 2 == 0 {
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
        for n in [8, 9, 16] {
            let settings = ImageSettings {
                size: n,
                parametrization: Parametrization::Fft { decay_power: 1.0 },
                init_sd: 0.5,
            };
            let param = ImageParam::new(&settings, &device);
            let params = param.init(1.0, &mut SeededRng::new(3, 0), &device);
            let Kind::Fft { scale, .. } = &param.kind else {
                unreachable!()
            };
            let (p, w) = (values(params.clone()), values(scale.clone()));
            let ours = values(param.spatial(params));
            let wf = n / 2 + 1;
            for channel in 0..3 {
                let at = |part: usize, ky: usize, kx: usize| {
                    let i = (part * n + ky) * wf + kx;
                    p[channel * 2 * n * wf + i] as f64 * w[i] as f64
                };
                let spectrum: Vec<Vec<Complex<f64>>> = (0..n)
                    .map(|ky| (0..wf).map(|kx| Complex::new(at(0, ky, kx), at(1, ky, kx))).collect())
                    .collect();
                let expected = irfft2(&spectrum, n);
                let got = &ours[channel * n * n..(channel + 1) * n * n];
                for (g, e) in got.iter().zip(&expected) {
                    assert!((*g as f64 - e).abs() < 1e-4, "n {n}: {g} vs {e}");
                }
            }
        }
    }

    #[test]
    fn the_lowest_frequencies_weigh_most() {
        let device = Device::flex();
        let param = ImageParam::new(&ImageSettings { size: 16, ..Default::default() }, &device);
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
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/photos/chelsea.png");
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
        for parametrization in [Parametrization::Fft { decay_power: 1.0 }, Parametrization::Pixel] {
            let settings = ImageSettings { size: n, parametrization, init_sd: 0.01 };
            let param = ImageParam::new(&settings, &device);
            let mut params = param.init(0.01, &mut SeededRng::new(1, 0), &device);
            let adam = AdamConfig::new().build();
            let mut state = None;
            let error = |params: Tensor<3>| (param.rgb(params) - target.clone()).square().mean();
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
            assert!(after < 0.002 && after < before / 20.0, "{parametrization:?}: {before} → {after}");
        }
    }
}
