//! The statistics a quiz's end screen and a teacher's tally report: a binomial proportion's
//! Wilson score interval and the exact one-sided binomial test against chance.

/// The normal quantile for a two-sided 95% interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Wilson's score interval for `successes` out of `trials` (Wilson 1927): unlike the textbook
/// p ± z·√(p(1−p)/n) it stays inside [0, 1] and is honest for small classes and extreme scores.
/// `(0, 1)` when there are no trials.
pub fn wilson(successes: u64, trials: u64, z: f64) -> (f64, f64) {
    if trials == 0 {
        return (0.0, 1.0);
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// P(X ≥ successes) for X ~ Binomial(trials, p): the exact one-sided p-value of "better than
/// chance". Summed in log space, so large classes do not underflow.
pub fn binomial_upper_p(successes: u64, trials: u64, p: f64) -> f64 {
    if successes == 0 {
        return 1.0;
    }
    if successes > trials {
        return 0.0;
    }
    let (ln_p, ln_q) = (p.ln(), (1.0 - p).ln());
    let terms: Vec<f64> = (successes..=trials)
        .map(|k| ln_choose(trials, k) + k as f64 * ln_p + (trials - k) as f64 * ln_q)
        .collect();
    let max = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    (max.exp() * terms.iter().map(|t| (t - max).exp()).sum::<f64>()).min(1.0)
}

fn ln_choose(n: u64, k: u64) -> f64 {
    let k = k.min(n - k);
    (0..k).map(|i| ((n - i) as f64 / (i + 1) as f64).ln()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    /// Reference values: R's `prop.test(k, n, correct = FALSE)$conf.int` (Wilson without
    /// continuity correction) and Newcombe (1998), Table I.
    #[test]
    fn wilson_intervals_match_published_values() {
        let cases = [
            // (k, n, lower, upper)
            (81, 263, 0.2553, 0.3662), // Newcombe 1998, example (a)
            (15, 148, 0.0624, 0.1605), // example (b)
            (0, 20, 0.0, 0.1611),      // example (c)
            (1, 29, 0.0061, 0.1718),   // example (d)
            (7, 10, 0.3968, 0.8922),
        ];
        for (k, n, lower, upper) in cases {
            let (lo, hi) = wilson(k, n, Z_95);
            assert!(
                close(lo, lower, 5e-4) && close(hi, upper, 5e-4),
                "{k}/{n}: ({lo}, {hi})"
            );
        }
        assert_eq!(wilson(0, 0, Z_95), (0.0, 1.0));
        let (lo, hi) = wilson(10, 10, Z_95);
        assert!(close(hi, 1.0, 1e-12) && close(lo, 0.7225, 5e-4), "{lo}");
    }

    /// Reference values: exact sums (R's `binom.test(k, n, alternative = "greater")`).
    #[test]
    fn binomial_p_values_are_exact() {
        // P(X ≥ 8 | 10, ½) = (45 + 10 + 1) / 1024.
        assert!(close(binomial_upper_p(8, 10, 0.5), 56.0 / 1024.0, 1e-12));
        assert!(close(binomial_upper_p(10, 10, 0.5), 1.0 / 1024.0, 1e-12));
        assert_eq!(binomial_upper_p(0, 10, 0.5), 1.0);
        assert!(close(binomial_upper_p(5, 10, 0.5), 638.0 / 1024.0, 1e-12));
        // binom.test(60, 100, alternative = "greater")$p.value = 0.02844397.
        assert!(close(binomial_upper_p(60, 100, 0.5), 0.028_443_97, 1e-8));
        // A large class: 5600 of 10000 is far beyond chance but must not underflow to 0 or NaN.
        let tiny = binomial_upper_p(5600, 10_000, 0.5);
        assert!(tiny > 0.0 && tiny < 1e-30, "{tiny}");
    }
}
