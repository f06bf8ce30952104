//! The seeded choices of sheets and quizzes (which neurons, which random seeds, which side, which
//! order). ChaCha8 as in the engine; its output is pinned by the golden tests, because changing
//! it would change every shared quiz's rounds.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

pub(crate) struct Choices(ChaCha8Rng);

impl Choices {
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Self(rng)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2⁻³² for these sizes).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.0.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// A seed small enough to survive JavaScript numbers and short varints.
    pub fn seed(&mut self) -> u64 {
        self.0.next_u64() >> 32
    }

    pub fn coin(&mut self) -> bool {
        self.0.next_u64() >> 63 == 1
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }

    /// `count` distinct values from `0..n` (all of them, shuffled, if `count ≥ n`).
    pub fn distinct(&mut self, n: usize, count: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        self.shuffle(&mut all);
        all.truncate(count);
        all
    }
}
