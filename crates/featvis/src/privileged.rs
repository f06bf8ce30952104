//! Is a layer's basis privileged? Statistics of the projections of real activations on the basis
//! directions (single neurons) against seeded Haar-random directions of the same space: kurtosis
//! and Hoyer sparsity per direction, the AUC P(stat(basis) > stat(random)) with a bootstrap
//! interval, the mean kurtosis of activation vectors before and after a random rotation (≈ 3 when
//! nothing singles out the axes: Anthropic, "Privileged Bases in the Transformer Residual
//! Stream", 2023), and the AUC along the slider from each neuron to a random direction.
//! Plain f64 arithmetic on the host: the inputs are small (positions × channels).

use crate::rng::SeededRng;

const HAAR_STREAM: u64 = 31;
const BOOTSTRAP_STREAM: u64 = 32;

/// Centred kurtosis m4 / m2²: 3 for a Gaussian, larger for heavy tails and sparse codes.
/// 0 when the values are all equal.
pub fn kurtosis(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let (m2, m4) = xs.iter().fold((0.0, 0.0), |(m2, m4), x| {
        let d = (x - mean) * (x - mean);
        (m2 + d, m4 + d * d)
    });
    let (m2, m4) = (m2 / n, m4 / n);
    if m2 <= f64::MIN_POSITIVE {
        0.0
    } else {
        m4 / (m2 * m2)
    }
}

/// Hoyer's sparsity of |x|: (√n − ‖x‖₁/‖x‖₂) / (√n − 1); 0 when all entries are equal in
/// magnitude, 1 when one entry holds everything.
pub fn hoyer(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let l1: f64 = xs.iter().map(|x| x.abs()).sum();
    let l2 = xs.iter().map(|x| x * x).sum::<f64>().sqrt();
    if l2 == 0.0 || n < 2.0 {
        return 0.0;
    }
    (n.sqrt() - l1 / l2) / (n.sqrt() - 1.0)
}

/// P(a > b) + ½ P(a = b) for a drawn from `a` and b from `b` (the Mann–Whitney AUC), by ranks.
pub fn auc(a: &[f64], b: &[f64]) -> f64 {
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|&x| (x, true))
        .chain(b.iter().map(|&x| (x, false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        // Ties share the mean of ranks i+1..=j.
        let rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += rank * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    (rank_sum - na * (na + 1.0) / 2.0) / (na * nb)
}

/// A 95% percentile-bootstrap interval for [`auc`]: both groups resampled with replacement.
pub fn auc_interval(a: &[f64], b: &[f64], rounds: usize, seed: u64) -> (f64, f64) {
    let mut rng = SeededRng::new(seed, BOOTSTRAP_STREAM);
    let mut draw =
        |xs: &[f64]| -> Vec<f64> { (0..xs.len()).map(|_| xs[rng.below(xs.len())]).collect() };
    let mut values: Vec<f64> = (0..rounds).map(|_| auc(&draw(a), &draw(b))).collect();
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.025), at(0.975))
}

/// A Haar-random orthogonal n × n matrix, column-major (column j = `q[j*n..(j+1)*n]`): Gram–Schmidt
/// of i.i.d. Gaussian columns, which is Haar because its R has a positive diagonal (Mezzadri 2007).
/// Twice-orthogonalized Gram–Schmidt keeps QᵀQ = I to ~1e-15.
pub fn haar(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = SeededRng::new(seed, HAAR_STREAM);
    let mut q = vec![0.0; n * n];
    for j in 0..n {
        let mut v: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        for _pass in 0..2 {
            for k in 0..j {
                let column = &q[k * n..(k + 1) * n];
                let dot: f64 = column.iter().zip(&v).map(|(a, b)| a * b).sum();
                v.iter_mut().zip(column).for_each(|(x, c)| *x -= dot * c);
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        q[j * n..(j + 1) * n]
            .iter_mut()
            .zip(&v)
            .for_each(|(out, x)| *out = x / norm);
    }
    q
}

/// An AUC with its bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Auc {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Auc {
    fn of(a: &[f64], b: &[f64], seed: u64) -> Self {
        let (low, high) = auc_interval(a, b, BOOTSTRAP_ROUNDS, seed);
        Self {
            value: auc(a, b),
            low,
            high,
        }
    }
}

const BOOTSTRAP_ROUNDS: usize = 1000;
/// The slider's stops: t = 0, 0.1, …, 1.
pub const SLIDER_STOPS: usize = 11;

/// Everything the meter shows for one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub channels: usize,
    pub positions: usize,
    /// Per direction, over all positions: basis (channel c) and random (Haar column c).
    pub basis_kurtosis: Vec<f64>,
    pub random_kurtosis: Vec<f64>,
    pub basis_hoyer: Vec<f64>,
    pub random_hoyer: Vec<f64>,
    pub kurtosis_auc: Auc,
    pub hoyer_auc: Auc,
    /// Mean over positions of the kurtosis of an activation vector's components.
    pub vector_kurtosis: f64,
    pub vector_kurtosis_rotated: f64,
    /// Kurtosis AUC of slerp(e_c, r_c, t) against the random directions, t = 0, 0.1, …, 1.
    pub slider: Vec<f64>,
}

/// `activations`: `positions × channels`, row-major.
pub fn profile(activations: &[f32], channels: usize, seed: u64) -> Profile {
    let c = channels;
    let positions = activations.len() / c;
    let a: Vec<f64> = activations.iter().map(|&x| x as f64).collect();
    let q = haar(c, seed);
    // Rotated activations R = A·Q: column j is the projection on random direction j.
    let mut rotated = vec![0.0; positions * c];
    for p in 0..positions {
        let row = &a[p * c..(p + 1) * c];
        for j in 0..c {
            let column = &q[j * c..(j + 1) * c];
            rotated[p * c + j] = row.iter().zip(column).map(|(x, y)| x * y).sum();
        }
    }
    let column =
        |m: &[f64], j: usize| -> Vec<f64> { (0..positions).map(|p| m[p * c + j]).collect() };
    let basis: Vec<Vec<f64>> = (0..c).map(|j| column(&a, j)).collect();
    let random: Vec<Vec<f64>> = (0..c).map(|j| column(&rotated, j)).collect();
    let stat =
        |set: &[Vec<f64>], f: fn(&[f64]) -> f64| -> Vec<f64> { set.iter().map(|x| f(x)).collect() };
    let (basis_kurtosis, random_kurtosis) = (stat(&basis, kurtosis), stat(&random, kurtosis));
    let (basis_hoyer, random_hoyer) = (stat(&basis, hoyer), stat(&random, hoyer));
    let per_vector = |m: &[f64]| -> f64 {
        (0..positions)
            .map(|p| kurtosis(&m[p * c..(p + 1) * c]))
            .sum::<f64>()
            / positions as f64
    };
    // slerp(e_c, q_c, t) = wa·e_c + wb·q_c, so its projection is wa·a_c + wb·(A q_c); kurtosis
    // does not see the overall scale, so no normalization is needed.
    let slider = (0..SLIDER_STOPS)
        .map(|stop| {
            let t = stop as f64 / (SLIDER_STOPS - 1) as f64;
            let mixed: Vec<f64> = (0..c)
                .map(|j| {
                    let omega = q[j * c + j].clamp(-1.0, 1.0).acos();
                    let (wa, wb) = if omega.sin().abs() < 1e-9 {
                        (1.0 - t, t)
                    } else {
                        (
                            ((1.0 - t) * omega).sin() / omega.sin(),
                            (t * omega).sin() / omega.sin(),
                        )
                    };
                    let x: Vec<f64> = basis[j]
                        .iter()
                        .zip(&random[j])
                        .map(|(e, r)| wa * e + wb * r)
                        .collect();
                    kurtosis(&x)
                })
                .collect();
            auc(&mixed, &random_kurtosis)
        })
        .collect();
    Profile {
        channels: c,
        positions,
        kurtosis_auc: Auc::of(&basis_kurtosis, &random_kurtosis, seed),
        hoyer_auc: Auc::of(&basis_hoyer, &random_hoyer, seed.wrapping_add(1)),
        basis_kurtosis,
        random_kurtosis,
        basis_hoyer,
        random_hoyer,
        vector_kurtosis: per_vector(&a),
        vector_kurtosis_rotated: per_vector(&rotated),
        slider,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaussian(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = SeededRng::new(seed, 0);
        (0..n).map(|_| rng.normal()).collect()
    }

    #[test]
    fn a_large_gaussian_sample_has_kurtosis_three_and_a_sparse_one_far_more() {
        // The standard error of the sample kurtosis of a Gaussian is √(24/n) ≈ 0.015 at n = 10⁵.
        let k = kurtosis(&gaussian(100_000, 1));
        assert!((k - 3.0).abs() < 0.08, "{k}");
        // One value in 100 non-zero: kurtosis ≈ 1/p = 100.
        let sparse: Vec<f64> = gaussian(100_000, 2)
            .iter()
            .enumerate()
            .map(|(i, x)| if i % 100 == 0 { x.abs() + 1.0 } else { 0.0 })
            .collect();
        assert!(kurtosis(&sparse) > 30.0, "{}", kurtosis(&sparse));
        assert_eq!(kurtosis(&[2.0; 10]), 0.0);
        // Exact small case: {0, 0, 0, 4}: mean 1, m2 = 3, m4 = (1+1+1+81)/4 = 21 → 21/9.
        assert!((kurtosis(&[0.0, 0.0, 0.0, 4.0]) - 21.0 / 9.0).abs() < 1e-12);
    }

    #[test]
    fn hoyer_sparsity_spans_zero_to_one() {
        assert!(hoyer(&[1.0, -1.0, 1.0, -1.0]).abs() < 1e-12);
        assert!((hoyer(&[0.0, 0.0, 5.0, 0.0]) - 1.0).abs() < 1e-12);
        // n = 4, x = (1, 1, 0, 0): (2 − 2/√2) / (2 − 1) = 2 − √2.
        assert!((hoyer(&[1.0, 1.0, 0.0, 0.0]) - (2.0 - 2f64.sqrt())).abs() < 1e-12);
    }

    #[test]
    fn auc_is_a_half_for_identical_samples_and_exact_on_known_ones() {
        let x = gaussian(500, 3);
        assert_eq!(auc(&x, &x), 0.5);
        assert_eq!(auc(&[3.0, 4.0], &[1.0, 2.0]), 1.0);
        assert_eq!(auc(&[1.0, 2.0], &[3.0, 4.0]), 0.0);
        // Pairs: (2>1) (2<3) (2=2 → ½) over 3 → 1.5 / 3.
        assert_eq!(auc(&[2.0], &[1.0, 3.0, 2.0]), 0.5);
        assert_eq!(auc(&[2.0, 5.0], &[1.0, 3.0]), 0.75);
    }

    #[test]
    fn the_bootstrap_interval_contains_the_truth_on_a_synthetic_case() {
        // Two normals one standard deviation apart: the true AUC is Φ(1/√2) = 0.7602.
        let a: Vec<f64> = gaussian(300, 4).iter().map(|x| x + 1.0).collect();
        let b = gaussian(300, 5);
        let (low, high) = auc_interval(&a, &b, 1000, 6);
        assert!(low < 0.7602 && 0.7602 < high, "({low}, {high})");
        assert!(high - low < 0.15, "({low}, {high})");
    }

    #[test]
    fn haar_matrices_are_orthogonal_and_seeded() {
        let n = 112;
        let q = haar(n, 7);
        for i in 0..n {
            for j in 0..n {
                let dot: f64 = (0..n).map(|k| q[i * n + k] * q[j * n + k]).sum();
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((dot - expected).abs() < 1e-5, "({i}, {j}): {dot}");
            }
        }
        assert_eq!(haar(n, 7), q);
        assert_ne!(haar(n, 8), q);
    }

    #[test]
    fn a_sparse_axis_aligned_code_is_privileged_and_a_rotated_one_is_not() {
        // 4000 positions, 16 channels, each position active in one channel: the basis is special.
        let (positions, c) = (4000, 16);
        let mut rng = SeededRng::new(9, 0);
        let mut sparse = vec![0.0f32; positions * c];
        for p in 0..positions {
            sparse[p * c + rng.below(c)] = 1.0 + rng.normal().abs() as f32;
        }
        let p = profile(&sparse, c, 1);
        assert!(
            p.kurtosis_auc.value > 0.95 && p.kurtosis_auc.low > 0.8,
            "{:?}",
            p.kurtosis_auc
        );
        assert!(
            p.vector_kurtosis > p.vector_kurtosis_rotated + 3.0,
            "{} vs {}",
            p.vector_kurtosis,
            p.vector_kurtosis_rotated
        );
        assert_eq!(p.slider.len(), SLIDER_STOPS);
        assert!(
            p.slider[0] > 0.95 && (p.slider[10] - 0.5).abs() < 1e-9,
            "{:?}",
            p.slider
        );
        // An isotropic Gaussian code: no direction is special.
        let gaussian: Vec<f32> = gaussian(positions * c, 10)
            .iter()
            .map(|&x| x as f32)
            .collect();
        let g = profile(&gaussian, c, 1);
        assert!(
            g.kurtosis_auc.low < 0.5 && 0.5 < g.kurtosis_auc.high,
            "{:?}",
            g.kurtosis_auc
        );
        assert!((g.vector_kurtosis - g.vector_kurtosis_rotated).abs() < 0.2);
    }
}
