//! Seeded randomness that gives the same numbers natively and in wasm32, so a permalink draws the
//! same direction and the same jitter everywhere. ChaCha8 is platform-independent; Gaussians use
//! Box–Muller through `libm`, whose pure-Rust transcendentals do not vary with the platform's
//! libc the way `f64::ln`/`f64::cos` may.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

pub struct SeededRng(ChaCha8Rng);

impl SeededRng {
    /// `stream` separates independent uses of one user-facing seed (direction, image, jitter).
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Self(rng)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n - 1)
    }

    pub fn normal(&mut self) -> f64 {
        // 1 − u keeps the logarithm's argument in (0, 1].
        let radius = libm::sqrt(-2.0 * libm::log(1.0 - self.uniform()));
        radius * libm::cos(std::f64::consts::TAU * self.uniform())
    }

    pub fn normals(&mut self, n: usize, sd: f64) -> Vec<f32> {
        (0..n).map(|_| (self.normal() * sd) as f32).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers_and_streams_differ() {
        let a = SeededRng::new(7, 0).normals(16, 1.0);
        assert_eq!(a, SeededRng::new(7, 0).normals(16, 1.0));
        assert_ne!(a, SeededRng::new(7, 1).normals(16, 1.0));
        assert_ne!(a, SeededRng::new(8, 0).normals(16, 1.0));
    }

    #[test]
    fn normals_have_unit_variance() {
        let xs = SeededRng::new(1, 0).normals(20_000, 1.0);
        let mean = xs.iter().map(|&x| x as f64).sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }
}
