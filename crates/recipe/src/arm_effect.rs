//! Is a class more accurate on neurons than on random directions? Tested with the right sampling
//! unit. A class's answers are not independent: each student answers every round (answers are
//! paired within a student), and a link that gives everyone the same rounds asks about a handful
//! of directions however many students answer (answers are clustered within an item). Pooling
//! every answer into one 2 × 2 table (Fisher's exact test) treats 30 students × 5 items as 150
//! independent draws, and one easy item then makes a "significant" class. So:
//!
//! - [`by_student`]: the unit is the student. Each student's accuracy on neurons minus their
//!   accuracy on random directions; a sign-flip randomization test (exact up to 16 students,
//!   Monte Carlo beyond) and a bootstrap interval over students. Valid when each student's
//!   directions are their own draw, so the items vary with the students.
//! - [`by_item`]: the unit is the item (a direction shown in a round). Each item's accuracy over
//!   the students who answered it; the difference of the arms' mean item accuracy, tested by
//!   permuting the arm labels among items (exact up to 20 000 arrangements, Monte Carlo beyond).
//!   Valid when everyone answers the same items: it asks whether neurons as such are easier, not
//!   whether these five are.
//!
//! The same holds for "better than chance": [`above_chance`] takes students as the unit, which
//! speaks for other students on the same directions; with shared items, [`above_chance_by_item`]
//! takes the items (each item's accuracy over its students) and speaks for other directions drawn
//! as these were.
//!
//! A seeded simulation in the tests holds both at their 5% level where pooled Fisher is not, and
//! holds the items' above-chance test at its level where the students' is not.

use crate::predict::Arm;
use crate::seeded::Choices;

/// Monte Carlo draws where exact enumeration would be too long.
const DRAWS: usize = 20_000;
const EXACT_STUDENTS: usize = 16;
const EXACT_ARRANGEMENTS: f64 = 20_000.0;
const BOOTSTRAP_ROUNDS: usize = 2_000;
const FLIP_STREAM: u64 = 31;
const BOOTSTRAP_STREAM: u64 = 32;
const PERMUTATION_STREAM: u64 = 33;
/// Differences this close to the observed one count as equal (floating-point sums).
const TIE: f64 = 1e-12;

/// One student's answers: right and answered, on neurons and on random directions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StudentAnswers {
    pub neuron: (u32, u32),
    pub random: (u32, u32),
}

/// A mean over students, with students as the unit: of the arm effect ([`by_student`]) or of
/// accuracy above chance ([`above_chance`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ByStudent {
    /// Students counted (for the arm effect, those who answered rounds of both arms; the others
    /// cannot be compared, and are counted apart).
    pub students: usize,
    pub left_out: usize,
    /// Mean over students of (accuracy on neurons − accuracy on random directions), or of
    /// (accuracy − 50%).
    pub mean_difference: f64,
    /// 95% bootstrap percentile interval of that mean, resampling students.
    pub interval: (f64, f64),
    /// Two-sided p-value of "no difference" (or "at chance"), by flipping the signs of the
    /// students' differences.
    pub p_value: f64,
}

/// One item: a direction shown in a round, with how many of the students who answered it were
/// right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemAnswers {
    pub arm: Arm,
    pub right: u32,
    pub answered: u32,
}

/// The arm effect with items as the unit.
#[derive(Debug, Clone, PartialEq)]
pub struct ByItem {
    pub neuron_items: usize,
    pub random_items: usize,
    /// Mean item accuracy on neurons minus on random directions.
    pub difference: f64,
    /// Two-sided p-value of "no difference", by permuting the arm labels among the items.
    pub p_value: f64,
}

/// The per-student paired comparison; `None` when fewer than two students answered both arms.
pub fn by_student(students: &[StudentAnswers], seed: u64) -> Option<ByStudent> {
    let differences: Vec<f64> = students
        .iter()
        .filter(|s| s.neuron.1 > 0 && s.random.1 > 0)
        .map(|s| rate(s.neuron) - rate(s.random))
        .collect();
    sign_flip(&differences, students.len(), seed)
}

/// Is a class better than chance (50%)? The same test with students as the unit: each student's
/// accuracy minus one half (`students`: right and answered). For "spot the neuron", which has no
/// arms. `None` when fewer than two students answered.
pub fn above_chance(students: &[(u32, u32)], seed: u64) -> Option<ByStudent> {
    let differences: Vec<f64> = students
        .iter()
        .filter(|s| s.1 > 0)
        .map(|&s| rate(s) - 0.5)
        .collect();
    sign_flip(&differences, students.len(), seed)
}

/// Accuracy above chance (50%) with items as the unit ([`above_chance_by_item`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AboveChanceByItem {
    /// Items someone answered.
    pub items: usize,
    /// Mean over items of (the item's accuracy over its students − 50%).
    pub mean_difference: f64,
    /// 95% bootstrap percentile interval of that mean, resampling items.
    pub interval: (f64, f64),
    /// Two-sided p-value of "at chance", by flipping the signs of the items' differences.
    pub p_value: f64,
    /// The smallest p-value these items could give, 2/2ᵏ for the k items not exactly at 50%
    /// (an item at 50% flips to itself): at 0.05 or above no class could be called better than
    /// chance on them, whatever it answered.
    pub smallest_p_value: f64,
}

/// Is a class better than chance on directions drawn as these were? The sign-flip test of
/// [`above_chance`] with the item as the unit (`items`: each item's right and answered, over
/// the students who answered it). Valid when everyone answers the same items; with 5 items or
/// fewer no result reaches p < 0.05 (the smallest exact p is 2/2ⁿ). `None` under two items.
pub fn above_chance_by_item(items: &[(u32, u32)], seed: u64) -> Option<AboveChanceByItem> {
    let off_chance = items.iter().filter(|&&i| i.1 > 0 && rate(i) != 0.5).count();
    above_chance(items, seed).map(|r| AboveChanceByItem {
        items: r.students,
        mean_difference: r.mean_difference,
        interval: r.interval,
        p_value: r.p_value,
        smallest_p_value: (2.0 / 2f64.powi(off_chance as i32)).min(1.0),
    })
}

fn rate((right, answered): (u32, u32)) -> f64 {
    right as f64 / answered as f64
}

/// The mean of `differences` (one per student, of `all` students), its bootstrap interval, and
/// the sign-flip test of "centred on 0".
fn sign_flip(differences: &[f64], all: usize, seed: u64) -> Option<ByStudent> {
    let n = differences.len();
    if n < 2 {
        return None;
    }
    let mean = |values: &mut dyn Iterator<Item = f64>| values.sum::<f64>() / n as f64;
    let observed = mean(&mut differences.iter().copied());
    let at_least = |total: f64| total.abs() >= observed.abs() * n as f64 - TIE;
    let p_value = if n <= EXACT_STUDENTS {
        let extreme = (0..1u32 << n)
            .filter(|signs| {
                at_least(
                    differences
                        .iter()
                        .enumerate()
                        .map(|(i, d)| if signs >> i & 1 == 1 { -d } else { *d })
                        .sum(),
                )
            })
            .count();
        extreme as f64 / (1u64 << n) as f64
    } else {
        let mut choices = Choices::new(seed, FLIP_STREAM);
        let extreme = (0..DRAWS)
            .filter(|_| {
                at_least(
                    differences
                        .iter()
                        .map(|d| if choices.coin() { -d } else { *d })
                        .sum(),
                )
            })
            .count();
        (extreme + 1) as f64 / (DRAWS + 1) as f64
    };
    let mut choices = Choices::new(seed, BOOTSTRAP_STREAM);
    let mut means: Vec<f64> = (0..BOOTSTRAP_ROUNDS)
        .map(|_| mean(&mut (0..n).map(|_| differences[choices.below(n)])))
        .collect();
    means.sort_by(f64::total_cmp);
    let at = |q: f64| means[((BOOTSTRAP_ROUNDS - 1) as f64 * q).round() as usize];
    Some(ByStudent {
        students: n,
        left_out: all - n,
        mean_difference: observed,
        interval: (at(0.025), at(0.975)),
        p_value,
    })
}

/// The item-level comparison; `None` unless each arm has an item someone answered.
pub fn by_item(items: &[ItemAnswers], seed: u64) -> Option<ByItem> {
    let answered: Vec<&ItemAnswers> = items.iter().filter(|i| i.answered > 0).collect();
    let rates: Vec<f64> = answered
        .iter()
        .map(|i| i.right as f64 / i.answered as f64)
        .collect();
    let is_neuron: Vec<bool> = answered.iter().map(|i| i.arm == Arm::Neuron).collect();
    let k = is_neuron.iter().filter(|&&b| b).count();
    let n = rates.len();
    if k == 0 || k == n {
        return None;
    }
    let total: f64 = rates.iter().sum();
    // With the arms' sizes fixed, the difference of means moves with the neuron arm's sum alone.
    let difference_for =
        |neuron_sum: f64| neuron_sum / k as f64 - (total - neuron_sum) / (n - k) as f64;
    let observed_sum: f64 = rates
        .iter()
        .zip(&is_neuron)
        .filter(|(_, b)| **b)
        .map(|(r, _)| r)
        .sum();
    let observed = difference_for(observed_sum);
    let at_least = |sum: f64| difference_for(sum).abs() >= observed.abs() - TIE;
    let p_value = if ln_choose(n, k).exp() <= EXACT_ARRANGEMENTS {
        let (mut extreme, mut all) = (0usize, 0usize);
        each_subset_sum(&rates, k, &mut |sum| {
            all += 1;
            extreme += usize::from(at_least(sum));
        });
        extreme as f64 / all as f64
    } else {
        let mut choices = Choices::new(seed, PERMUTATION_STREAM);
        let extreme = (0..DRAWS)
            .filter(|_| {
                let sum = choices.distinct(n, k).iter().map(|&i| rates[i]).sum();
                at_least(sum)
            })
            .count();
        (extreme + 1) as f64 / (DRAWS + 1) as f64
    };
    Some(ByItem {
        neuron_items: k,
        random_items: n - k,
        difference: observed,
        p_value,
    })
}

/// Calls `visit` with the sum of every `k`-subset of `values`.
fn each_subset_sum(values: &[f64], k: usize, visit: &mut dyn FnMut(f64)) {
    fn walk(values: &[f64], k: usize, sum: f64, visit: &mut dyn FnMut(f64)) {
        if k == 0 {
            visit(sum);
            return;
        }
        for i in 0..=values.len() - k {
            walk(&values[i + 1..], k - 1, sum + values[i], visit);
        }
    }
    walk(values, k, 0.0, visit);
}

fn ln_choose(n: usize, k: usize) -> f64 {
    (0..k.min(n - k))
        .map(|i| ((n - i) as f64 / (i + 1) as f64).ln())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::fisher_exact;

    #[test]
    fn above_chance_is_the_same_exact_sign_flip_test_on_accuracy_minus_one_half() {
        // Accuracies 1, 3/4, 3/4: differences 1/2, 1/4, 1/4 (mean 1/3); of the 8 sign patterns
        // only all-plus and all-minus reach |total| 1. A student with no answers is left out.
        let result = above_chance(&[(4, 4), (3, 4), (3, 4), (0, 0)], 1).unwrap();
        assert_eq!((result.students, result.left_out), (3, 1));
        assert!((result.mean_difference - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(result.p_value, 0.25);
        assert!(
            above_chance(&[(4, 4)], 1).is_none(),
            "one student is no test"
        );
    }

    #[test]
    fn a_small_paired_comparison_is_exact() {
        // Three students, all better on neurons by 0.5, 0.25, 0.25: of the 8 sign patterns only
        // all-plus and all-minus reach a total of 1.0.
        let students = [
            StudentAnswers {
                neuron: (4, 4),
                random: (2, 4),
            },
            StudentAnswers {
                neuron: (3, 4),
                random: (2, 4),
            },
            StudentAnswers {
                neuron: (4, 4),
                random: (3, 4),
            },
            StudentAnswers {
                neuron: (0, 0),
                random: (3, 4),
            },
        ];
        let result = by_student(&students, 0).unwrap();
        assert_eq!((result.students, result.left_out), (3, 1));
        assert!((result.mean_difference - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(result.p_value, 2.0 / 8.0);
        assert!(result.interval.0 >= 0.25 - 1e-12 && result.interval.1 <= 0.5 + 1e-12);
    }

    #[test]
    fn a_small_item_comparison_is_exact() {
        // Neuron items 0.9 and 0.8, random items 0.5 and 0.6: of the 6 arrangements the observed
        // one and its mirror are the most extreme.
        let item = |arm, right| ItemAnswers {
            arm,
            right,
            answered: 10,
        };
        let items = [
            item(Arm::Neuron, 9),
            item(Arm::Neuron, 8),
            item(Arm::Random, 5),
            item(Arm::Random, 6),
        ];
        let result = by_item(&items, 0).unwrap();
        assert!((result.difference - 0.3).abs() < 1e-12);
        assert!((result.p_value - 2.0 / 6.0).abs() < 1e-12);
        assert_eq!(by_item(&items[..2], 0), None, "one arm only");
    }

    // Reference values computed independently with SciPy 1.17.1 (NumPy 2.4.6),
    // `scipy.stats.permutation_test` with `n_resamples=np.inf` (every sign pattern or every
    // arrangement: exact), after
    //   import numpy as np; from scipy.stats import permutation_test as pt
    //   m = lambda x, axis: x.mean(axis)
    // with N, R and S the arrays of (right, answered) pairs in each test as Python lists. Each
    // value was also checked by enumerating with exact fractions (`fractions.Fraction`) the
    // definition used here (|sum| or |difference| at least the observed one); the data are
    // chosen with many null values tied with the observed one, so tie handling counts.

    /// Students from their (right, answered) pairs on neurons and on random directions.
    fn paired(neuron: &[(u32, u32)], random: &[(u32, u32)]) -> Vec<StudentAnswers> {
        neuron
            .iter()
            .zip(random)
            .map(|(&neuron, &random)| StudentAnswers { neuron, random })
            .collect()
    }

    /// Items from their (right, answered) pairs on neurons and on random directions.
    fn arms(neuron: &[(u32, u32)], random: &[(u32, u32)]) -> Vec<ItemAnswers> {
        let item = |arm| {
            move |&(right, answered): &(u32, u32)| ItemAnswers {
                arm,
                right,
                answered,
            }
        };
        neuron
            .iter()
            .map(item(Arm::Neuron))
            .chain(random.iter().map(item(Arm::Random)))
            .collect()
    }

    #[test]
    fn the_paired_test_matches_scipy_on_ten_students() {
        // pt(([a/b - c/e for (a, b), (c, e) in zip(N, R)],), m, permutation_type='samples',
        //    n_resamples=np.inf, vectorized=True).pvalue
        //   -> 0.1484375 (= 19/128, of 2^10 sign patterns); mean difference 0.13.
        // SciPy's two-sided p is 2 × the smaller one-sided p; the sign-flip null is symmetric,
        // so that is the |sum| >= |observed| used here.
        #[rustfmt::skip]
        let neuron = [
            (4, 5), (3, 5), (5, 5), (2, 5), (4, 5), (3, 5), (4, 5), (5, 5), (3, 5), (4, 5),
        ];
        #[rustfmt::skip]
        let random = [
            (3, 5), (3, 5), (4, 5), (3, 5), (2, 5), (2, 5), (4, 5), (3, 5), (4, 5), (2, 4),
        ];
        let result = by_student(&paired(&neuron, &random), 0).unwrap();
        assert_eq!((result.students, result.left_out), (10, 0));
        assert!((result.mean_difference - 0.13).abs() < 1e-12);
        assert!(
            (result.p_value - 0.1484375).abs() < 1e-9,
            "{}",
            result.p_value
        );
    }

    #[test]
    fn the_paired_test_matches_scipy_on_thirteen_students() {
        // The same line as for ten students, on these N and R:
        //   -> 0.208984375 (= 107/512, of 2^13 sign patterns); mean difference
        //   0.12307692307692308 (= 8/65).
        #[rustfmt::skip]
        let neuron = [
            (3, 5), (4, 5), (2, 5), (5, 5), (3, 5), (4, 5), (1, 5), (3, 5), (4, 5), (2, 5), (5, 5),
            (3, 5), (4, 5),
        ];
        #[rustfmt::skip]
        let random = [
            (3, 5), (2, 5), (3, 5), (3, 5), (4, 5), (2, 5), (2, 5), (3, 5), (1, 5), (3, 5), (4, 5),
            (3, 5), (2, 5),
        ];
        let mut students = paired(&neuron, &random);
        // A student who answered no random round cannot be compared and is left out.
        students.push(StudentAnswers {
            neuron: (5, 5),
            random: (0, 0),
        });
        let result = by_student(&students, 0).unwrap();
        assert_eq!((result.students, result.left_out), (13, 1));
        assert!((result.mean_difference - 8.0 / 65.0).abs() < 1e-12);
        assert!(
            (result.p_value - 0.208984375).abs() < 1e-9,
            "{}",
            result.p_value
        );
    }

    #[test]
    fn above_chance_matches_scipy_on_twelve_students() {
        // pt(([a/b - 0.5 for a, b in S],), m, permutation_type='samples', n_resamples=np.inf,
        //    vectorized=True).pvalue
        //   -> 0.0390625 (= 5/128, of 2^12 sign patterns); mean 0.13587962962962963.
        #[rustfmt::skip]
        let students = [
            (7, 10), (6, 10), (8, 10), (4, 10), (9, 10), (5, 10), (6, 10), (7, 8), (3, 10), (6, 10),
            (8, 10), (5, 9),
        ];
        let result = above_chance(&students, 0).unwrap();
        assert_eq!((result.students, result.left_out), (12, 0));
        assert!((result.mean_difference - 0.13587962962962963).abs() < 1e-12);
        assert!(
            (result.p_value - 0.0390625).abs() < 1e-9,
            "{}",
            result.p_value
        );
    }

    #[test]
    fn the_item_test_matches_scipy_on_six_and_six_items() {
        // d = lambda x, y, axis: abs(x.mean(axis) - y.mean(axis))
        // pt(([a/b for a, b in N], [a/b for a, b in R]), d, alternative='greater',
        //    n_resamples=np.inf, vectorized=True).pvalue
        //   -> 0.19480519480519481 (= 15/77, of the 924 arrangements); difference
        //   0.08444170771756965. With equal arms SciPy's default two-sided p (2 × the smaller
        //   one-sided p of the signed difference) is the same.
        let neuron = [(24, 30), (19, 30), (27, 30), (22, 30), (25, 28), (20, 30)];
        let random = [(21, 30), (23, 30), (18, 30), (24, 30), (17, 29), (20, 30)];
        let result = by_item(&arms(&neuron, &random), 0).unwrap();
        assert_eq!((result.neuron_items, result.random_items), (6, 6));
        assert!((result.difference - 0.08444170771756965).abs() < 1e-12);
        assert!(
            (result.p_value - 15.0 / 77.0).abs() < 1e-9,
            "{}",
            result.p_value
        );
    }

    #[test]
    fn the_item_test_matches_scipy_on_five_and_seven_items() {
        // The same lines as for six and six items, on these N and R:
        //   -> 0.06313131313131314 (= 25/396, of the 792 arrangements); difference
        //   0.1192063492063492. With unequal arms the null of the signed difference is not
        //   symmetric, and SciPy's default two-sided p of it,
        //   pt((...), lambda x, y, axis: x.mean(axis) - y.mean(axis), n_resamples=np.inf,
        //      vectorized=True).pvalue -> 0.06565656565656566 (= 26/396),
        //   is not this test's |difference| >= |observed|; hence `abs` and 'greater' above.
        let neuron = [(26, 30), (21, 30), (28, 30), (23, 30), (24, 27)];
        #[rustfmt::skip]
        let random = [
            (20, 30), (22, 30), (25, 30), (17, 30), (21, 28), (24, 30), (19, 30),
        ];
        let mut items = arms(&neuron, &random);
        // An item nobody answered is left out.
        items.push(ItemAnswers {
            arm: Arm::Random,
            right: 0,
            answered: 0,
        });
        let result = by_item(&items, 0).unwrap();
        assert_eq!((result.neuron_items, result.random_items), (5, 7));
        assert!((result.difference - 0.1192063492063492).abs() < 1e-12);
        assert!(
            (result.p_value - 25.0 / 396.0).abs() < 1e-9,
            "{}",
            result.p_value
        );
        assert!((result.p_value - 26.0 / 396.0).abs() > 1e-3);
    }

    #[test]
    fn above_chance_by_item_flips_the_items_signs() {
        // Five items every student found easy, 30 answers each: differences 0.4, 0.3, 1/6, 0.1,
        // 1/30 (sum 1); only all-plus and all-minus reach it, so p = 2/32 — five items cannot
        // reach 5%, however many students answered them.
        let items = [(27, 30), (24, 30), (20, 30), (18, 30), (16, 30)];
        let result = above_chance_by_item(&items, 1).unwrap();
        assert_eq!(result.items, 5);
        assert!((result.mean_difference - 0.2).abs() < 1e-12);
        assert_eq!(result.p_value, 2.0 / 32.0);
        assert_eq!(result.smallest_p_value, 2.0 / 32.0);
        assert!(result.interval.0 > 0.0 && result.interval.1 <= 0.4);
        // An item at exactly 50% flips to itself: six items, one at chance, reach no lower.
        let with_one_at_chance = [items.as_slice(), &[(15, 30)]].concat();
        let result = above_chance_by_item(&with_one_at_chance, 1).unwrap();
        assert_eq!((result.items, result.smallest_p_value), (6, 2.0 / 32.0));
        assert_eq!(result.p_value, 2.0 / 32.0);
        assert!(above_chance_by_item(&[(30, 30)], 1).is_none());
    }

    /// A uniform draw in [0, 1) and a standard normal one (Box–Muller), for the simulations.
    fn uniform(choices: &mut Choices) -> f64 {
        choices.below(1 << 53) as f64 / (1u64 << 53) as f64
    }

    fn normal(choices: &mut Choices) -> f64 {
        let (u, v) = (uniform(choices).max(1e-300), uniform(choices));
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// An item's chance of a right answer: uneven difficulty around 0.75, plus `effect`.
    fn item_rate(choices: &mut Choices, effect: f64) -> f64 {
        (0.75 + 0.1 * normal(choices) + effect).clamp(0.05, 0.99)
    }

    const CLASSES: usize = 1000;
    const STUDENTS: usize = 30;
    const ITEMS_PER_ARM: usize = 5;

    /// Rejection rates at 5% of pooled Fisher and of [`by_item`], over classes that all answer
    /// the same `per_arm` + `per_arm` items.
    fn shared_items(per_arm: usize, effect: f64, seed: u64) -> (f64, f64) {
        let mut choices = Choices::new(seed, 0);
        let (mut fisher, mut item) = (0, 0);
        for class in 0..CLASSES {
            let rates: Vec<(Arm, f64)> = (0..2 * per_arm)
                .map(|i| {
                    let arm = if i < per_arm {
                        Arm::Neuron
                    } else {
                        Arm::Random
                    };
                    let shift = if arm == Arm::Neuron { effect } else { 0.0 };
                    (arm, item_rate(&mut choices, shift))
                })
                .collect();
            let items: Vec<ItemAnswers> = rates
                .iter()
                .map(|&(arm, rate)| ItemAnswers {
                    arm,
                    right: (0..STUDENTS)
                        .filter(|_| uniform(&mut choices) < rate)
                        .count() as u32,
                    answered: STUDENTS as u32,
                })
                .collect();
            let arm_right = |arm| {
                items
                    .iter()
                    .filter(|i| i.arm == arm)
                    .map(|i| i.right as u64)
                    .sum()
            };
            let answers = (STUDENTS * per_arm) as u64;
            fisher += usize::from(
                fisher_exact(
                    arm_right(Arm::Neuron),
                    answers,
                    arm_right(Arm::Random),
                    answers,
                ) < 0.05,
            );
            item += usize::from(by_item(&items, class as u64).unwrap().p_value < 0.05);
        }
        (fisher as f64 / CLASSES as f64, item as f64 / CLASSES as f64)
    }

    /// The rejection rate at 5% of [`by_student`] over classes where every student answers 5 + 5
    /// items of their own.
    fn own_items(effect: f64, seed: u64) -> f64 {
        let mut choices = Choices::new(seed, 1);
        let mut rejected = 0;
        for class in 0..CLASSES {
            let students: Vec<StudentAnswers> = (0..STUDENTS)
                .map(|_| {
                    let mut arm =
                        |shift| answered(&mut choices, ITEMS_PER_ARM, |c| item_rate(c, shift));
                    let neuron = arm(effect);
                    StudentAnswers {
                        neuron,
                        random: arm(0.0),
                    }
                })
                .collect();
            rejected += usize::from(by_student(&students, class as u64).unwrap().p_value < 0.05);
        }
        rejected as f64 / CLASSES as f64
    }

    /// A student's right and answered of `rounds` rounds, each right with the chance `rate`
    /// draws for it.
    fn answered(
        choices: &mut Choices,
        rounds: usize,
        mut rate: impl FnMut(&mut Choices) -> f64,
    ) -> (u32, u32) {
        let right = (0..rounds)
            .filter(|_| {
                let rate = rate(choices);
                uniform(choices) < rate
            })
            .count() as u32;
        (right, rounds as u32)
    }

    /// Over `CLASSES` classes, how often some of a class's tests (`p_of`: a class's index → its
    /// tests' p-values) is called significant at 5%: each p read alone, and Holm-adjusted.
    fn familywise(mut p_of: impl FnMut(usize) -> Vec<f64>) -> (f64, f64) {
        let (mut alone, mut holm) = (0, 0);
        for class in 0..CLASSES {
            let p = p_of(class);
            alone += usize::from(p.iter().any(|&v| v < 0.05));
            holm += usize::from(crate::ArmPair::holm(&p).iter().any(|&v| v < 0.05));
        }
        (alone as f64 / CLASSES as f64, holm as f64 / CLASSES as f64)
    }

    /// Three Monte Carlo standard errors above 5% over `CLASSES` classes.
    fn at_most_five_percent(rate: f64) -> bool {
        rate <= 0.05 + 3.0 * (0.05 * 0.95 / CLASSES as f64).sqrt()
    }

    #[test]
    fn with_no_arm_effect_pooled_fisher_rejects_far_too_often_and_these_tests_do_not() {
        // A 10-round link, five directions per arm, as today's default quiz.
        let (fisher, item) = shared_items(ITEMS_PER_ARM, 0.0, 7);
        assert!(fisher > 0.15, "pooled Fisher rejected {fisher}");
        assert!(at_most_five_percent(item), "by item rejected {item}");
        let student = own_items(0.0, 8);
        eprintln!(
            "no effect, rejections at 5%: pooled Fisher {fisher}, by item {item}, by student {student}"
        );
        assert!(
            at_most_five_percent(student),
            "by student rejected {student}"
        );
        assert!(
            student > 0.02,
            "by student is not far below its level: {student}"
        );
    }

    #[test]
    fn with_a_real_arm_effect_both_tests_detect_it() {
        // Five directions per arm are few for the item test (0.58 of classes detect this
        // effect in this simulation); a 40-round link gives it twenty.
        let (_, item) = shared_items(4 * ITEMS_PER_ARM, 0.2, 9);
        assert!(item > 0.6, "by item detected {item}");
        let student = own_items(0.15, 10);
        eprintln!("a real effect, detected: by item {item} (20 per arm), by student {student}");
        assert!(student > 0.6, "by student detected {student}");
    }

    /// Rejection rates at 5% of "better than chance" by student ([`above_chance`]) and by item
    /// ([`above_chance_by_item`]) over classes of 30 students who all answer the same `items`
    /// items, each item's chance of a right answer 0.5 + `effect` + 0.15·N(0, 1).
    fn shared_items_above_chance(items: usize, effect: f64, seed: u64) -> (f64, f64) {
        let mut choices = Choices::new(seed, 3);
        let (mut student, mut item) = (0, 0);
        for class in 0..CLASSES {
            let rates: Vec<f64> = (0..items)
                .map(|_| (0.5 + effect + 0.15 * normal(&mut choices)).clamp(0.02, 0.98))
                .collect();
            let answers: Vec<Vec<bool>> = (0..STUDENTS)
                .map(|_| rates.iter().map(|&r| uniform(&mut choices) < r).collect())
                .collect();
            let students: Vec<(u32, u32)> = answers
                .iter()
                .map(|a| (a.iter().filter(|&&r| r).count() as u32, items as u32))
                .collect();
            let per_item: Vec<(u32, u32)> = (0..items)
                .map(|i| {
                    let right = answers.iter().filter(|a| a[i]).count() as u32;
                    (right, STUDENTS as u32)
                })
                .collect();
            let seed = class as u64;
            student += usize::from(above_chance(&students, seed).unwrap().p_value < 0.05);
            item += usize::from(above_chance_by_item(&per_item, seed).unwrap().p_value < 0.05);
        }
        (
            student as f64 / CLASSES as f64,
            item as f64 / CLASSES as f64,
        )
    }

    #[test]
    fn with_shared_items_at_chance_only_the_items_test_holds_its_level() {
        // Ten shared items whose difficulties average one half: each class's ten happen to lean
        // one way, and 30 students answering them all lean with them.
        let (student, item) = shared_items_above_chance(10, 0.0, 13);
        eprintln!(
            "shared items at chance, called better or worse: by student {student}, by item {item}"
        );
        assert!(student > 0.2, "by student rejected {student}");
        assert!(at_most_five_percent(item), "by item rejected {item}");
        let (_, detected) = shared_items_above_chance(10, 0.15, 14);
        eprintln!("shared items 15 points above chance, detected by item: {detected}");
        assert!(detected > 0.6, "by item detected {detected}");
    }

    /// Three arms, no effect anywhere, each of 12 students with 4 items of their own per arm:
    /// with Holm's correction (what the tally shows) some pair is called different in at most 5%
    /// of classes. (Read alone, the three pairs' tests did so in 5.5% here: they are correlated
    /// and, with 12 students, conservative; Holm keeps the family's rate whatever their
    /// dependence.)
    #[test]
    fn with_three_equal_arms_holm_keeps_the_familywise_rate_at_five_percent() {
        let mut choices = Choices::new(11, 2);
        let (alone, holm) = familywise(|class| {
            let answers: Vec<[(u32, u32); 3]> = (0..12)
                .map(|_| std::array::from_fn(|_| answered(&mut choices, 4, |c| item_rate(c, 0.0))))
                .collect();
            [(0, 1), (0, 2), (1, 2)]
                .into_iter()
                .map(|(a, b)| {
                    let pair: Vec<StudentAnswers> = answers
                        .iter()
                        .map(|s| StudentAnswers {
                            neuron: s[a],
                            random: s[b],
                        })
                        .collect();
                    by_student(&pair, class as u64).map_or(1.0, |r| r.p_value)
                })
                .collect()
        });
        eprintln!("three equal arms, some pair called different: alone {alone}, Holm {holm}");
        assert!(at_most_five_percent(holm), "with Holm: {holm}");
    }

    /// Spot the neuron with a third arm, a class at chance against both kinds of foil: of the
    /// tally's three tests (each foil above chance, the foils' difference), some is called
    /// significant in at most 5% of classes with Holm's correction, as the tally page reads them.
    #[test]
    fn a_quiz_at_chance_against_both_foils_keeps_holm_s_familywise_rate() {
        let mut choices = Choices::new(12, 2);
        let (alone, holm) = familywise(|class| {
            let at_chance = |c: &mut Choices| (0.5 + 0.1 * normal(c)).clamp(0.05, 0.95);
            let answers: Vec<[(u32, u32); 2]> = (0..12)
                .map(|_| std::array::from_fn(|_| answered(&mut choices, 5, at_chance)))
                .collect();
            let against = |foil: usize| answers.iter().map(|s| s[foil]).collect::<Vec<_>>();
            let paired: Vec<StudentAnswers> = answers
                .iter()
                .map(|s| StudentAnswers {
                    neuron: s[0],
                    random: s[1],
                })
                .collect();
            let seed = class as u64;
            [
                above_chance(&against(0), seed),
                above_chance(&against(1), seed),
                by_student(&paired, seed),
            ]
            .map(|r| r.map_or(1.0, |r| r.p_value))
            .to_vec()
        });
        eprintln!("a quiz at chance, some test called significant: alone {alone}, Holm {holm}");
        assert!(at_most_five_percent(holm), "with Holm: {holm}");
    }
}
