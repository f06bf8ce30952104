//! The statistics a quiz's end screen and a teacher's tally report: a binomial proportion's
//! Wilson score interval, the exact one-sided binomial test against chance, and — to compare
//! neurons with random directions — Newcombe's interval for the difference of two proportions
//! and Fisher's exact test.

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

/// Newcombe's hybrid score interval for `k1/n1 − k2/n2` (Newcombe 1998, method 10): built from
/// the two Wilson intervals, so it shares their honesty for small groups and extreme scores.
pub fn newcombe_difference(k1: u64, n1: u64, k2: u64, n2: u64, z: f64) -> (f64, f64) {
    let rate = |k: u64, n: u64| if n == 0 { 0.5 } else { k as f64 / n as f64 };
    let (p1, p2) = (rate(k1, n1), rate(k2, n2));
    let ((l1, u1), (l2, u2)) = (wilson(k1, n1, z), wilson(k2, n2, z));
    let d = p1 - p2;
    (
        d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    )
}

/// Fisher's exact test that two groups have the same success rate (`k1` of `n1` against `k2` of
/// `n2`), two-sided as R's `fisher.test` computes it: the probability, with the margins fixed, of
/// every table no more likely than the one observed. Exact for any class size.
pub fn fisher_exact(k1: u64, n1: u64, k2: u64, n2: u64) -> f64 {
    let (n, k) = (n1 + n2, k1 + k2);
    let ln_fact: Vec<f64> = std::iter::once(0.0)
        .chain((1..=n).scan(0.0, |sum, i| {
            *sum += (i as f64).ln();
            Some(*sum)
        }))
        .collect();
    let ln_choose =
        |n: u64, k: u64| ln_fact[n as usize] - ln_fact[k as usize] - ln_fact[(n - k) as usize];
    let ln_p = |x: u64| ln_choose(k, x) + ln_choose(n - k, n1 - x) - ln_choose(n, n1);
    let observed = ln_p(k1);
    // R's relative tolerance, so tables exactly as likely as the observed one count despite rounding.
    let limit = observed + (1.0f64 + 1e-7).ln();
    let low = n1.saturating_sub(n - k);
    let high = k.min(n1);
    (low..=high)
        .map(ln_p)
        .filter(|&lp| lp <= limit)
        .map(f64::exp)
        .sum::<f64>()
        .min(1.0)
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

    /// Newcombe (1998), Table II, method 10, all six examples.
    #[test]
    fn newcombe_intervals_match_the_published_table() {
        let cases = [
            (56, 70, 48, 80, 0.0524, 0.3339),
            (9, 10, 3, 10, 0.1705, 0.8090),
            (6, 7, 2, 7, 0.0582, 0.8062),
            (5, 56, 0, 29, -0.0381, 0.1926),
            (0, 10, 0, 20, -0.1611, 0.2775),
            (10, 10, 0, 20, 0.6791, 1.0),
        ];
        for (k1, n1, k2, n2, lower, upper) in cases {
            let (lo, hi) = newcombe_difference(k1, n1, k2, n2, Z_95);
            assert!(
                close(lo, lower, 5e-4) && close(hi, upper, 5e-4),
                "{k1}/{n1} − {k2}/{n2}: ({lo}, {hi})"
            );
        }
    }

    /// Reference values: exact hypergeometric sums (R's `fisher.test`).
    #[test]
    fn fisher_p_values_are_exact() {
        // Fisher's tea tasting: 3 of 4 against 1 of 4; two-sided p = 34/70.
        assert!(close(fisher_exact(3, 4, 1, 4), 34.0 / 70.0, 1e-12));
        // Wikipedia's example (1 of 12 against 9 of 12): p = 0.0027594561852…
        assert!(close(
            fisher_exact(1, 12, 9, 12),
            0.002_759_456_185_220,
            1e-12
        ));
        assert!(close(
            fisher_exact(56, 70, 48, 80),
            0.012_521_129_749_209,
            1e-10
        ));
        assert!(close(
            fisher_exact(300, 400, 250, 400),
            1.796_512_414_764e-4,
            1e-12
        ));
        assert!(close(fisher_exact(5, 10, 5, 10), 1.0, 1e-12));
        // Symmetric in the two groups.
        assert!(close(
            fisher_exact(9, 12, 1, 12),
            fisher_exact(1, 12, 9, 12),
            1e-15
        ));
        assert_eq!(fisher_exact(0, 0, 0, 0), 1.0);
    }
}
