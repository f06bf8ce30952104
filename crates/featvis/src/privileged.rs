//! Is a layer's basis privileged? The kurtosis of real activations projected on each basis
//! direction (single neurons) against seeded Haar-random directions of the same space: the AUC
//! P(kurtosis(neuron) > kurtosis(random)) with an interval that resamples photos, then
//! directions; a three-way verdict from that interval; the mean kurtosis of activation vectors
//! before and after a random rotation (≈ 3 when nothing singles out the axes: Anthropic,
//! "Privileged Bases in the Transformer Residual Stream", 2023); and the AUC along the slider
//! from each neuron to a random direction.
//!
//! What the meter does not rank: channels that are constant on the photos (at a ReLU6, channels
//! that never respond) have no kurtosis; they are counted and named instead. Each channel's
//! fraction of positions at exactly 0 and at exactly 6 is reported beside.
//!
//! A third arm, when asked for ([`Gathered::with_learned`]): directions learned from the photos
//! by ICA ([`crate::ica`]), which maximizes the non-Gaussianity the meter ranks by, so its AUC
//! against the random arm is the ceiling the neurons' AUC is read against. It is cross-fitted:
//! directions learned on half of the photos are scored on the other half.
//!
//! Plain f64 arithmetic on the host. Wide, dense taps are read at a seeded budget of positions
//! per crop ([`POSITION_BUDGET`]), so the cost stays bounded; the profile says how many it read.

use crate::ica::{IcaError, fast_ica};
use crate::rng::SeededRng;

const HAAR_STREAM: u64 = 31;
const BOOTSTRAP_STREAM: u64 = 32;
const POSITION_STREAM: u64 = 33;

/// Positions × channels the statistics read at most (8 MB of f64): on the 8-photo pool's 32
/// crops, every position of the taps up to 640 channels on a 7 × 7 grid (and of the narrow deep
/// ones on larger grids), a seeded subset per crop of the rest (e.g. the head: 25 of 49).
pub const POSITION_BUDGET: usize = 1 << 20;

/// ICA directions the page's learned arm fits per fold (fewer where a layer is narrower).
pub const LEARNED_COMPONENTS: usize = 32;
/// A learned direction joins the arm when its kurtosis where it was learned exceeds a Gaussian's
/// 3 by this many standard errors (√(24/n)).
const HEAVY_MARGIN: f64 = 4.0;
/// The random arm holds at least this many directions, from as many Haar draws as that takes:
/// one draw of a 16-channel layer is too few directions to compare against.
pub const MIN_RANDOM_DIRECTIONS: usize = 1024;
const BOOTSTRAP_ROUNDS: usize = 1000;
/// The slider's stops: t = 0, 0.1, …, 1.
pub const SLIDER_STOPS: usize = 11;

/// Centred kurtosis m4 / m2²: 3 for a Gaussian, larger for heavy tails and sparse codes.
/// 0 when the values are all equal.
pub fn kurtosis(xs: &[f64]) -> f64 {
    let mut sums = Sums::default();
    let shift = xs.iter().sum::<f64>() / xs.len() as f64;
    xs.iter().for_each(|&x| sums.add(x - shift));
    sums.kurtosis()
}

/// Power sums of values about a fixed shift: the kurtosis of any weighted union of samples
/// follows from a few numbers per sample, which is what lets the bootstrap resample photos
/// without revisiting positions.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    n: f64,
    s1: f64,
    s2: f64,
    s3: f64,
    s4: f64,
}

impl Sums {
    fn add(&mut self, x: f64) {
        let x2 = x * x;
        self.n += 1.0;
        self.s1 += x;
        self.s2 += x2;
        self.s3 += x2 * x;
        self.s4 += x2 * x2;
    }

    fn add_weighted(&mut self, other: &Sums, weight: f64) {
        self.n += weight * other.n;
        self.s1 += weight * other.s1;
        self.s2 += weight * other.s2;
        self.s3 += weight * other.s3;
        self.s4 += weight * other.s4;
    }

    fn kurtosis(&self) -> f64 {
        if self.n == 0.0 {
            return 0.0;
        }
        let (mean, e2, e3, e4) = (
            self.s1 / self.n,
            self.s2 / self.n,
            self.s3 / self.n,
            self.s4 / self.n,
        );
        let m2 = e2 - mean * mean;
        let m4 = e4 - 4.0 * mean * e3 + 6.0 * mean * mean * e2 - 3.0 * mean.powi(4);
        // Relative to the raw second moment: values constant up to rounding have no kurtosis.
        if m2 <= 1e-12 * e2 || m2 <= f64::MIN_POSITIVE {
            0.0
        } else {
            m4 / (m2 * m2)
        }
    }
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

/// A Haar-random orthogonal n × n matrix, column-major (column j = `q[j*n..(j+1)*n]`): Gram–Schmidt
/// of i.i.d. Gaussian columns, which is Haar because its R has a positive diagonal (Mezzadri 2007).
/// Twice-orthogonalized Gram–Schmidt keeps QᵀQ = I to ~1e-15.
pub fn haar(n: usize, seed: u64) -> Vec<f64> {
    haar_from(&mut SeededRng::new(seed, HAAR_STREAM), n)
}

/// a·b with four partial sums, which the compiler turns into vector instructions (a single
/// running sum must keep its order and stays scalar): the meter's time is mostly dot products.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut partial = [0.0; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4
        .remainder()
        .iter()
        .zip(b4.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a4.zip(b4) {
        for k in 0..4 {
            partial[k] += x[k] * y[k];
        }
    }
    partial.iter().sum::<f64>() + tail
}

fn haar_from(rng: &mut SeededRng, n: usize) -> Vec<f64> {
    let mut q = vec![0.0; n * n];
    for j in 0..n {
        let mut v: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        for _pass in 0..2 {
            for k in 0..j {
                let column = &q[k * n..(k + 1) * n];
                let along = dot(column, &v);
                v.iter_mut().zip(column).for_each(|(x, c)| *x -= along * c);
            }
        }
        let norm = dot(&v, &v).sqrt();
        q[j * n..(j + 1) * n]
            .iter_mut()
            .zip(&v)
            .for_each(|(out, x)| *out = x / norm);
    }
    q
}

/// An AUC with its 95% bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Auc {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// What the kurtosis AUC's interval says, three ways: an interval that straddles 0.5 is not the
/// same finding as one that lies below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The whole interval lies above 0.5.
    NeuronsHeavier,
    /// The whole interval lies below 0.5.
    NeuronsLighter,
    /// The interval holds 0.5: these photos cannot tell.
    CannotTell,
}

impl Verdict {
    pub fn of(auc: &Auc) -> Self {
        if auc.low > 0.5 {
            Self::NeuronsHeavier
        } else if auc.high < 0.5 {
            Self::NeuronsLighter
        } else {
            Self::CannotTell
        }
    }

    /// In words, for `photos` photos, e.g. "can't tell on these 8 photos (0.41–0.66)".
    pub fn describe(&self, auc: &Auc, photos: usize) -> String {
        self.describe_arm("neurons", auc, photos)
    }

    /// [`Self::describe`] for another arm than the neurons, e.g. "ICA directions".
    pub fn describe_arm(&self, arm: &str, auc: &Auc, photos: usize) -> String {
        match self {
            Self::NeuronsHeavier => format!("{arm} are more heavy-tailed than random directions"),
            Self::NeuronsLighter => format!("{arm} are less heavy-tailed than random directions"),
            Self::CannotTell => format!(
                "can't tell on these {photos} photos ({:.2}–{:.2})",
                auc.low, auc.high
            ),
        }
    }

    /// A short, stable name for machine-readable output.
    pub fn key(&self) -> &'static str {
        match self {
            Self::NeuronsHeavier => "heavier",
            Self::NeuronsLighter => "lighter",
            Self::CannotTell => "cannot-tell",
        }
    }
}

/// A channel with the same value at every position of every photo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constant {
    pub channel: usize,
    pub value: f32,
}

/// The activations of crops at one tap, as the meter reads them.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    /// `positions × channels`, row-major; each crop's positions together, crops in order.
    pub values: &'a [f32],
    pub channels: usize,
    /// The photo each crop was cut from: crops of one photo are not independent observations,
    /// so the interval resamples photos.
    pub photo_of_crop: &'a [usize],
}

/// Everything the meter shows for one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub channels: usize,
    pub photos: usize,
    /// Every position of every crop.
    pub positions: usize,
    /// The positions the statistics read (all of them, or a seeded budget per crop).
    pub read_positions: usize,
    /// Channels constant at the positions read (at a ReLU6 tap, usually never responding): not
    /// ranked.
    pub constant: Vec<Constant>,
    /// Per channel, the fraction of positions at exactly 0 and at exactly 6 (ReLU6's floor and
    /// ceiling), over every position.
    pub at_zero: Vec<f64>,
    pub at_six: Vec<f64>,
    /// The channels that are ranked, and each one's kurtosis.
    pub ranked: Vec<usize>,
    pub basis_kurtosis: Vec<f64>,
    /// Haar draws in the random arm, and the kurtosis of each of their directions.
    pub random_draws: usize,
    pub random_kurtosis: Vec<f64>,
    pub kurtosis_auc: Auc,
    pub verdict: Verdict,
    /// Mean over positions of the kurtosis of an activation vector's components, before and
    /// after the first Haar rotation.
    pub vector_kurtosis: f64,
    pub vector_kurtosis_rotated: f64,
    /// Kurtosis AUC of slerp(e_c, r_c, t) against the random arm, t = 0, 0.1, …, 1, where r_c is
    /// column c of the first draw.
    pub slider: Vec<f64>,
    /// The learned arm, when it was asked for.
    pub learned: Option<Learned>,
}

/// ICA directions of the positions read, cross-fitted, against the random arm: those that settled
/// clearly heavier-tailed than a Gaussian on the photos they were learned from (none, with a
/// can't-tell AUC, where one half of the photos gave none).
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    /// Each fold's kept directions' kurtosis on the other fold's photos.
    pub kurtosis: Vec<f64>,
    /// P(kurtosis(learned) > kurtosis(random)), with its interval resampling photos, then
    /// directions, as the neurons' AUC.
    pub auc: Auc,
    pub verdict: Verdict,
}

impl Learned {
    /// A learned arm with no direction: ICA found none clearly heavy-tailed on one of the halves.
    fn none() -> Self {
        let auc = Auc {
            value: 0.5,
            low: 0.0,
            high: 1.0,
        };
        Learned {
            kurtosis: Vec::new(),
            verdict: Verdict::of(&auc),
            auc,
        }
    }
}

/// Which positions of each crop the statistics read: all of them when the budget allows, else
/// the same seeded number from every crop.
pub(crate) fn positions_to_read(
    crops: usize,
    per_crop: usize,
    channels: usize,
    seed: u64,
) -> Vec<usize> {
    let budget = (POSITION_BUDGET / (crops * channels).max(1)).clamp(1, per_crop);
    if budget == per_crop {
        return (0..crops * per_crop).collect();
    }
    let mut rng = SeededRng::new(seed, POSITION_STREAM);
    let mut read = Vec::with_capacity(crops * budget);
    let mut order: Vec<usize> = (0..per_crop).collect();
    for crop in 0..crops {
        // A partial Fisher–Yates shuffle: the first `budget` are a uniform draw without repeats.
        for i in 0..budget {
            let j = i + rng.below(per_crop - i);
            order.swap(i, j);
        }
        let mut chosen = order[..budget].to_vec();
        chosen.sort_unstable();
        read.extend(chosen.into_iter().map(|p| crop * per_crop + p));
    }
    read
}

/// The slerp weights (on e_c, on r_c) at `t`, for the angle whose cosine is `cos`.
fn slerp_weights(cos: f64, t: f64) -> (f64, f64) {
    let omega = cos.clamp(-1.0, 1.0).acos();
    if omega.sin().abs() < 1e-9 {
        (1.0 - t, t)
    } else {
        (
            ((1.0 - t) * omega).sin() / omega.sin(),
            (t * omega).sin() / omega.sin(),
        )
    }
}

/// A layer's activations on the pool as the statistics need them, gathered a few crops at a time so
/// that a wide tap on a big pool never sits in memory whole (1152 channels × 49 positions × 2000
/// crops is 450 MB of f32): the rows of the positions the statistics read, and every channel's
/// count at 0 and at 6 over every position.
#[derive(Debug, Clone)]
pub struct Gathered {
    channels: usize,
    per_crop: usize,
    photo_of_crop: Vec<usize>,
    /// The positions to keep, ascending, as [`positions_to_read`] draws them.
    read: Vec<usize>,
    seen: usize,
    rows: Vec<f32>,
    zeros: Vec<usize>,
    sixes: Vec<usize>,
    /// ICA components of the learned arm; 0 for none.
    learned: usize,
}

impl Gathered {
    /// Ready for `per_crop` positions of each crop of `photo_of_crop`, `channels` wide.
    pub fn new(photo_of_crop: &[usize], per_crop: usize, channels: usize, seed: u64) -> Self {
        let read = positions_to_read(photo_of_crop.len(), per_crop, channels, seed);
        Self {
            channels,
            per_crop,
            photo_of_crop: photo_of_crop.to_vec(),
            rows: Vec::with_capacity(read.len() * channels),
            read,
            seen: 0,
            zeros: vec![0; channels],
            sixes: vec![0; channels],
            learned: 0,
        }
    }

    /// Adds the learned arm: `components` ICA directions (fewer where the positions read vary
    /// along fewer axes).
    pub fn with_learned(mut self, components: usize) -> Self {
        self.learned = components;
        self
    }

    /// The next positions' rows (`positions × channels`, row-major), continuing in crop order.
    pub fn push(&mut self, values: &[f32]) {
        let c = self.channels;
        let kept = self.rows.len() / c;
        let mut next = self.read.get(kept).copied();
        for row in values.chunks_exact(c) {
            for (j, &x) in row.iter().enumerate() {
                self.zeros[j] += usize::from(x == 0.0);
                self.sixes[j] += usize::from(x == 6.0);
            }
            if next == Some(self.seen) {
                self.rows.extend_from_slice(row);
                next = self.read.get(self.rows.len() / c).copied();
            }
            self.seen += 1;
        }
    }

    /// The meter's numbers; every position of every crop must have been pushed.
    pub fn profile(self, seed: u64) -> Profile {
        let positions = self.photo_of_crop.len() * self.per_crop;
        assert_eq!(
            self.seen, positions,
            "{} of {positions} positions were gathered",
            self.seen
        );
        profile_of(self, seed)
    }
}

pub fn profile(sample: Sample, seed: u64) -> Profile {
    profile_with_learned(sample, seed, 0)
}

/// [`profile`] with the learned arm of `components` ICA directions (none for 0).
pub fn profile_with_learned(sample: Sample, seed: u64, components: usize) -> Profile {
    let c = sample.channels;
    let crops = sample.photo_of_crop.len();
    let positions = sample.values.len() / c;
    assert!(
        crops > 0 && positions.is_multiple_of(crops),
        "{positions} positions are not whole crops of {crops}"
    );
    let mut gathered =
        Gathered::new(sample.photo_of_crop, positions / crops, c, seed).with_learned(components);
    gathered.push(sample.values);
    gathered.profile(seed)
}

fn profile_of(gathered: Gathered, seed: u64) -> Profile {
    let Gathered {
        channels: c,
        per_crop,
        photo_of_crop,
        read,
        rows,
        zeros,
        sixes,
        learned,
        ..
    } = gathered;
    let positions = photo_of_crop.len() * per_crop;
    let photos = photo_of_crop.iter().max().map_or(0, |&p| p + 1);
    let photo_of = |position: usize| photo_of_crop[position / per_crop];
    // The kept rows, in the order of `read`.
    let kept = |i: usize| &rows[i * c..(i + 1) * c];

    // Which channels are constant where the statistics read: those have no kurtosis to rank.
    let (mut low, mut high) = (vec![f32::INFINITY; c], vec![f32::NEG_INFINITY; c]);
    for i in 0..read.len() {
        for (j, &x) in kept(i).iter().enumerate() {
            low[j] = low[j].min(x);
            high[j] = high[j].max(x);
        }
    }
    let constant: Vec<Constant> = (0..c)
        .filter(|&j| low[j] == high[j])
        .map(|j| Constant {
            channel: j,
            value: low[j],
        })
        .collect();
    let ranked: Vec<usize> = (0..c).filter(|&j| low[j] != high[j]).collect();
    let fraction = |counts: Vec<usize>| -> Vec<f64> {
        counts
            .into_iter()
            .map(|n| n as f64 / positions as f64)
            .collect()
    };

    let row = |i: usize| -> Vec<f64> { kept(i).iter().map(|&x| x as f64).collect() };
    let mean: Vec<f64> = (0..read.len()).fold(vec![0.0; c], |mut acc, i| {
        acc.iter_mut()
            .zip(kept(i))
            .for_each(|(a, &x)| *a += x as f64 / read.len() as f64);
        acc
    });

    let draws = MIN_RANDOM_DIRECTIONS.div_ceil(c).max(1);
    let mut rng = SeededRng::new(seed, HAAR_STREAM);
    let haars: Vec<Vec<f64>> = (0..draws).map(|_| haar_from(&mut rng, c)).collect();
    let column = |d: usize, j: usize| &haars[d][j * c..(j + 1) * c];
    // Each direction's power sums per photo, about its mean over the read positions (a
    // projection's mean is the projection of the mean): basis directions, then random ones.
    let basis_shift: Vec<f64> = ranked.iter().map(|&j| mean[j]).collect();
    let random_shift: Vec<f64> = (0..draws * c)
        .map(|k| dot(&mean, column(k / c, k % c)))
        .collect();
    let mut basis_sums = vec![vec![Sums::default(); photos]; ranked.len()];
    let mut random_sums = vec![vec![Sums::default(); photos]; draws * c];
    let weights: Vec<Vec<(f64, f64)>> = (0..SLIDER_STOPS)
        .map(|stop| {
            let t = stop as f64 / (SLIDER_STOPS - 1) as f64;
            ranked
                .iter()
                .map(|&j| slerp_weights(column(0, j)[j], t))
                .collect()
        })
        .collect();
    let mut slider_sums = vec![vec![Sums::default(); ranked.len()]; SLIDER_STOPS];
    let (mut vector, mut rotated_vector) = (0.0, 0.0);
    let mut projections = vec![0.0; draws * c];
    for (i, &p) in read.iter().enumerate() {
        let (a, photo) = (row(i), photo_of(p));
        for (k, y) in projections.iter_mut().enumerate() {
            *y = dot(&a, column(k / c, k % c));
            random_sums[k][photo].add(*y - random_shift[k]);
        }
        for (r, &j) in ranked.iter().enumerate() {
            basis_sums[r][photo].add(a[j] - basis_shift[r]);
        }
        for (stop, sums) in weights.iter().zip(&mut slider_sums) {
            for (r, &j) in ranked.iter().enumerate() {
                let (wa, wb) = stop[r];
                sums[r].add(wa * (a[j] - basis_shift[r]) + wb * (projections[j] - random_shift[j]));
            }
        }
        vector += kurtosis(&a);
        rotated_vector += kurtosis(&projections[..c]);
    }

    let basis_kurtosis: Vec<f64> = basis_sums.iter().map(|s| total(s).kurtosis()).collect();
    let random_kurtosis: Vec<f64> = random_sums.iter().map(|s| total(s).kurtosis()).collect();
    let slider = slider_sums
        .iter()
        .map(|stop| {
            let mixed: Vec<f64> = stop.iter().map(Sums::kurtosis).collect();
            // With no ranked channel there is nothing to compare: no difference.
            if mixed.is_empty() {
                0.5
            } else {
                auc(&mixed, &random_kurtosis)
            }
        })
        .collect();
    let kurtosis_auc = if ranked.is_empty() {
        // Nothing to rank: the AUC says nothing, and the interval says so.
        Auc {
            value: 0.5,
            low: 0.0,
            high: 1.0,
        }
    } else {
        let all: Vec<usize> = (0..photos).collect();
        let mut resampled = photo_bootstrap(&basis_sums, &random_sums, &all, seed);
        resampled.sort_by(f64::total_cmp);
        let at = |q: f64| resampled[((resampled.len() - 1) as f64 * q).round() as usize];
        Auc {
            value: auc(&basis_kurtosis, &random_kurtosis),
            low: at(0.025),
            high: at(0.975),
        }
    };
    let learned = (learned > 0 && !ranked.is_empty()).then(|| {
        let samples: Vec<f64> = rows.iter().map(|&x| x as f64).collect();
        learned_arm(
            &samples,
            c,
            learned,
            &read,
            &photo_of,
            photos,
            &random_sums,
            seed,
        )
    });
    Profile {
        learned: learned.flatten(),
        channels: c,
        photos,
        positions,
        read_positions: read.len(),
        constant,
        at_zero: fraction(zeros),
        at_six: fraction(sixes),
        ranked,
        basis_kurtosis,
        random_draws: draws,
        random_kurtosis,
        verdict: Verdict::of(&kurtosis_auc),
        kurtosis_auc,
        vector_kurtosis: vector / read.len() as f64,
        vector_kurtosis_rotated: rotated_vector / read.len() as f64,
        slider,
    }
}

/// The learned arm on the rows read (`read.len() × c`), cross-fitted in two folds of photos (even
/// and odd): ICA fitted on one fold's positions, its directions' kurtosis and their AUC against
/// the random arm measured on the other fold's photos, the two AUCs averaged. Fitted and scored on
/// the same positions, ICA finds heavy tails in noise (on Gaussian data of `block14`'s shape the
/// AUC reads 0.67 [0.52, 0.82]), so the meter never scores a direction on the photos it came from.
/// `None` with fewer than two photos per fold, or when the rows vary along no axis.
#[allow(clippy::too_many_arguments)]
fn learned_arm(
    rows: &[f64],
    c: usize,
    components: usize,
    read: &[usize],
    photo_of: &dyn Fn(usize) -> usize,
    photos: usize,
    random_sums: &[Vec<Sums>],
    seed: u64,
) -> Option<Learned> {
    if photos < 4 {
        return None;
    }
    let fit = |rows: &[f64]| match fast_ica(rows, c, components, seed) {
        Err(IcaError::Rank { rank }) if rank > 0 => fast_ica(rows, c, rank, seed).ok(),
        other => other.ok(),
    };
    // Shifted by the mean so the power sums stay well conditioned (kurtosis ignores the shift).
    let mean: Vec<f64> = (0..c)
        .map(|j| rows.iter().skip(j).step_by(c).sum::<f64>() / read.len() as f64)
        .collect();
    let mut kurtosis = Vec::new();
    let mut values = Vec::new();
    let mut rounds: Vec<f64> = Vec::new();
    for fold in 0..2 {
        let in_fold = |i: &usize| photo_of(read[*i]) % 2 == fold;
        let train: Vec<f64> = (0..read.len())
            .filter(|i| !in_fold(i))
            .flat_map(|i| rows[i * c..(i + 1) * c].iter().copied())
            .collect();
        let ica = fit(&train)?;
        // Only the settled directions clearly heavier-tailed than a Gaussian where they were
        // learned: ICA also returns light-tailed and near-Gaussian components, the latter at
        // directions that float noise decides.
        let margin = 3.0 + HEAVY_MARGIN * (24.0 / (train.len() / c) as f64).sqrt();
        let heavy: Vec<&Vec<f64>> = ica
            .directions
            .iter()
            .zip(&ica.kurtosis)
            .filter(|(_, k)| **k > margin)
            .map(|(d, _)| d)
            .collect();
        if heavy.is_empty() {
            return Some(Learned::none());
        }
        let shifts: Vec<f64> = heavy.iter().map(|d| dot(&mean, d)).collect();
        let mut sums = vec![vec![Sums::default(); photos]; heavy.len()];
        for i in (0..read.len()).filter(in_fold) {
            let a = &rows[i * c..(i + 1) * c];
            for (d, direction) in heavy.iter().enumerate() {
                sums[d][photo_of(read[i])].add(dot(a, direction) - shifts[d]);
            }
        }
        let held_out: Vec<usize> = (fold..photos).step_by(2).collect();
        let on_held_out = |per_photo: &Vec<Sums>| {
            let mut acc = Sums::default();
            held_out
                .iter()
                .for_each(|&p| acc.add_weighted(&per_photo[p], 1.0));
            acc.kurtosis()
        };
        let learned: Vec<f64> = sums.iter().map(on_held_out).collect();
        let random: Vec<f64> = random_sums.iter().map(on_held_out).collect();
        values.push(auc(&learned, &random));
        kurtosis.extend(learned);
        let resampled = photo_bootstrap(&sums, random_sums, &held_out, seed + fold as u64);
        if rounds.is_empty() {
            rounds = resampled;
        } else {
            rounds
                .iter_mut()
                .zip(resampled)
                .for_each(|(r, s)| *r = (*r + s) / 2.0);
        }
    }
    rounds.sort_by(f64::total_cmp);
    let at = |q: f64| rounds[((rounds.len() - 1) as f64 * q).round() as usize];
    let auc = Auc {
        value: (values[0] + values[1]) / 2.0,
        low: at(0.025),
        high: at(0.975),
    };
    Some(Learned {
        kurtosis,
        verdict: Verdict::of(&auc),
        auc,
    })
}

/// A direction's power sums over every photo.
fn total(per_photo: &[Sums]) -> Sums {
    per_photo.iter().fold(Sums::default(), |mut acc, s| {
        acc.add_weighted(s, 1.0);
        acc
    })
}

/// One direction along the app's slider — slerp(e_channel, target, t) for t = 0, 0.1, …, 1, as
/// [`crate::direction::slerp_from_basis`] turns it, `target` a unit vector — as (its kurtosis on `values`, its standing among the
/// random arm: P(kurtosis(this direction) > kurtosis(random direction))). It reads every
/// position, the profile a budget of them on the widest taps: close samples, not the same one.
pub fn along_slider(
    values: &[f32],
    channels: usize,
    channel: usize,
    target: &[f64],
    random_kurtosis: &[f64],
) -> Vec<(f64, f64)> {
    let r = target;
    let (on_channel, on_random): (Vec<f64>, Vec<f64>) = values
        .chunks_exact(channels)
        .map(|a| {
            let a: Vec<f64> = a.iter().map(|&x| x as f64).collect();
            (a[channel], dot(&a, r))
        })
        .unzip();
    (0..SLIDER_STOPS)
        .map(|stop| {
            let t = stop as f64 / (SLIDER_STOPS - 1) as f64;
            let (wa, wb) = slerp_weights(r[channel], t);
            let projected: Vec<f64> = on_channel
                .iter()
                .zip(&on_random)
                .map(|(c, r)| wa * c + wb * r)
                .collect();
            let k = kurtosis(&projected);
            (k, auc(&[k], random_kurtosis))
        })
        .collect()
}

/// The kurtosis AUC of [`BOOTSTRAP_ROUNDS`] resamples of photos, then directions: each round
/// draws the photos with replacement, recomputes every direction's kurtosis on them, then draws
/// each arm's directions with replacement. Positions of one photo move together, so a tail that
/// one photo carries widens the spread instead of counting as many observations. The profile
/// reports the 2.5th and 97.5th percentiles. Near the ceiling the resamples fall below the
/// estimate (noise in the kurtosis can only lower an AUC close to 1), so the interval may end
/// just under it: the cautious side for the verdict.
fn photo_bootstrap(
    basis: &[Vec<Sums>],
    random: &[Vec<Sums>],
    photos: &[usize],
    seed: u64,
) -> Vec<f64> {
    let mut rng = SeededRng::new(seed, BOOTSTRAP_STREAM);
    let mut values = Vec::with_capacity(BOOTSTRAP_ROUNDS);
    let mut weights = vec![0.0; random.first().map_or(0, Vec::len)];
    for _ in 0..BOOTSTRAP_ROUNDS {
        weights.iter_mut().for_each(|w| *w = 0.0);
        (0..photos.len()).for_each(|_| weights[photos[rng.below(photos.len())]] += 1.0);
        let kurtosis_of = |per_photo: &Vec<Sums>| {
            let mut sums = Sums::default();
            per_photo
                .iter()
                .zip(&weights)
                .filter(|(_, w)| **w > 0.0)
                .for_each(|(s, &w)| sums.add_weighted(s, w));
            sums.kurtosis()
        };
        let basis_k: Vec<f64> = basis.iter().map(kurtosis_of).collect();
        let random_k: Vec<f64> = random.iter().map(kurtosis_of).collect();
        let mut draw =
            |ks: &[f64]| -> Vec<f64> { (0..ks.len()).map(|_| ks[rng.below(ks.len())]).collect() };
        let (a, b) = (draw(&basis_k), draw(&random_k));
        values.push(auc(&a, &b));
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaussian(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = SeededRng::new(seed, 0);
        (0..n).map(|_| rng.normal()).collect()
    }

    /// `photos` photos of `per_photo` positions each, one crop per photo.
    fn photos(n: usize) -> Vec<usize> {
        (0..n).collect()
    }

    fn sample<'a>(values: &'a [f32], channels: usize, photo_of_crop: &'a [usize]) -> Sample<'a> {
        Sample {
            values,
            channels,
            photo_of_crop,
        }
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
        // Far from the origin, the power sums about the mean keep their precision.
        assert!((kurtosis(&[1e6, 1e6, 1e6, 1e6 + 4.0]) - 21.0 / 9.0).abs() < 1e-6);
    }

    #[test]
    fn power_sums_of_weighted_photos_give_the_kurtosis_of_the_repeated_values() {
        let (a, b) = ([0.0, 1.0, 5.0], [2.0, -1.0]);
        let sums = |xs: &[f64]| {
            let mut s = Sums::default();
            xs.iter().for_each(|&x| s.add(x));
            s
        };
        let mut union = Sums::default();
        union.add_weighted(&sums(&a), 2.0);
        union.add_weighted(&sums(&b), 1.0);
        let repeated = [0.0, 1.0, 5.0, 0.0, 1.0, 5.0, 2.0, -1.0];
        assert!((union.kurtosis() - kurtosis(&repeated)).abs() < 1e-12);
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

    /// `photos` photos of 500 positions, `channels` channels, from `value(photo, channel, rng)`.
    fn code(
        photos: usize,
        channels: usize,
        seed: u64,
        mut value: impl FnMut(usize, usize, &mut SeededRng) -> f64,
    ) -> Vec<f32> {
        let mut rng = SeededRng::new(seed, 0);
        let mut values = Vec::with_capacity(photos * 500 * channels);
        for photo in 0..photos {
            for _ in 0..500 {
                values.extend((0..channels).map(|j| value(photo, j, &mut rng) as f32));
            }
        }
        values
    }

    /// Sparse codes seen through a random rotation: no neuron is special (each is a mixture of
    /// the code, as a random direction is), but ICA finds the code's own directions again, far
    /// more heavy-tailed than random ones on photos it was not fitted on.
    #[test]
    fn the_learned_arm_finds_a_sparse_code_that_a_rotation_hid_from_the_neurons() {
        let (c, crops, per_crop) = (8, 40, 25);
        let mut rng = SeededRng::new(5, 0);
        let rotation = haar(c, 9);
        let values: Vec<f32> = (0..crops * per_crop)
            .flat_map(|_| {
                let code: Vec<f64> = (0..c).map(|_| sparse(&mut rng, 0.1)).collect();
                (0..c)
                    .map(|i| (0..c).map(|j| rotation[j * c + i] * code[j]).sum::<f64>() as f32)
                    .collect::<Vec<_>>()
            })
            .collect();
        let photo_of_crop: Vec<usize> = (0..crops).map(|k| k / 2).collect();
        let mut gathered = Gathered::new(&photo_of_crop, per_crop, c, 3).with_learned(c);
        gathered.push(&values);
        let profile = gathered.profile(3);
        let learned = profile.learned.expect("the learned arm was asked for");
        assert_eq!(learned.kurtosis.len(), 2 * c);
        assert_eq!(
            profile.verdict,
            Verdict::CannotTell,
            "{:?}",
            profile.kurtosis_auc
        );
        assert!(learned.auc.low > 0.9, "{:?}", learned.auc);
        assert_eq!(learned.verdict, Verdict::NeuronsHeavier);
        // Without asking, there is no learned arm.
        let mut plain = Gathered::new(&photo_of_crop, per_crop, c, 3);
        plain.push(&values);
        assert_eq!(plain.profile(3).learned, None);
    }

    /// Gaussian activations have no direction heavier than another, so the learned arm must not
    /// read heavier than random: ICA fitted and scored on the same positions did (0.67 [0.52,
    /// 0.82] at `block14`'s shape); cross-fitted, a seeded simulation of 40 layers may say heavier
    /// at most twice (a 2.5% one-sided error would expect 1). Mostly ICA keeps no direction.
    #[test]
    fn on_gaussian_activations_the_learned_arm_holds_its_error_rate() {
        let layer = |seed: u64, c: usize, per_crop: usize, components: usize| {
            let crops = 32;
            let mut rng = SeededRng::new(seed, 0);
            let values: Vec<f32> = (0..crops * per_crop * c)
                .map(|_| rng.normal() as f32)
                .collect();
            let photo_of_crop: Vec<usize> = (0..crops).map(|k| k / 4).collect();
            let mut gathered =
                Gathered::new(&photo_of_crop, per_crop, c, 0).with_learned(components);
            gathered.push(&values);
            gathered
                .profile(seed)
                .learned
                .expect("8 photos make two folds")
        };
        assert_eq!(layer(1, 24, 49, 8).kurtosis, Vec::<f64>::new());
        let block14 = layer(5, 192, 49, 32);
        assert_eq!(block14.verdict, Verdict::CannotTell, "{:?}", block14.auc);
        let heavier = (0..40)
            .filter(|&seed| layer(seed, 24, 49, 8).verdict == Verdict::NeuronsHeavier)
            .count();
        assert!(heavier <= 2, "{heavier} of 40 Gaussian layers read heavier");
    }

    /// Sparse non-negative activity: `rate` of the positions, like a ReLU's.
    fn sparse(rng: &mut SeededRng, rate: f64) -> f64 {
        if rng.uniform() < rate {
            1.0 + rng.normal().abs()
        } else {
            0.0
        }
    }

    #[test]
    fn gathering_a_few_crops_at_a_time_gives_the_profile_of_the_whole_sample() {
        // 4 photos × 500 positions × 600 channels is over the position budget: a subset is read.
        let values = code(4, 600, 5, |_, _, rng| sparse(rng, 0.2));
        let whole = profile(sample(&values, 600, &photos(4)), 3);
        assert!(whole.read_positions < whole.positions, "{whole:?}");
        let mut gathered = Gathered::new(&photos(4), 500, 600, 3);
        // Uneven pieces, not aligned with crops.
        for piece in values.chunks(600 * 317) {
            gathered.push(piece);
        }
        assert_eq!(gathered.profile(3), whole);
    }

    #[test]
    #[should_panic(expected = "1999 of 2000 positions were gathered")]
    fn a_profile_of_part_of_the_pool_is_refused() {
        let values = code(4, 2, 5, |_, _, rng| rng.normal());
        let mut gathered = Gathered::new(&photos(4), 500, 2, 3);
        gathered.push(&values[..values.len() - 2]);
        gathered.profile(3);
    }

    #[test]
    fn a_sparse_axis_aligned_code_is_privileged_and_a_rotated_one_is_not() {
        let values = code(8, 16, 9, |_, _, rng| sparse(rng, 1.0 / 16.0));
        let p = profile(sample(&values, 16, &photos(8)), 1);
        assert_eq!(p.verdict, Verdict::NeuronsHeavier, "{:?}", p.kurtosis_auc);
        assert!(p.kurtosis_auc.value > 0.95, "{:?}", p.kurtosis_auc);
        assert!(p.vector_kurtosis > p.vector_kurtosis_rotated + 3.0);
        // 16 channels: 64 Haar draws make the random arm's 1024 directions.
        assert_eq!((p.random_draws, p.random_kurtosis.len()), (64, 1024));
        assert_eq!(p.slider.len(), SLIDER_STOPS);
        assert!(p.slider[0] > 0.95, "{:?}", p.slider);
        assert!(
            (p.slider[10] - 0.5).abs() < 0.1,
            "at t = 1, random against random: {:?}",
            p.slider
        );
        assert!(
            p.slider.windows(2).all(|w| w[1] <= w[0] + 0.02),
            "{:?}",
            p.slider
        );

        // An isotropic Gaussian code: no direction is special, and the meter says it can't tell.
        let values = code(8, 16, 10, |_, _, rng| rng.normal());
        let g = profile(sample(&values, 16, &photos(8)), 1);
        assert_eq!(g.verdict, Verdict::CannotTell, "{:?}", g.kurtosis_auc);
        assert!((g.vector_kurtosis - g.vector_kurtosis_rotated).abs() < 0.2);
        assert!(
            Verdict::CannotTell
                .describe(&g.kurtosis_auc, 8)
                .starts_with("can't tell on these 8 photos (")
        );
    }

    #[test]
    fn independent_binary_neurons_are_less_heavy_tailed_than_their_mixtures() {
        // ±1 coins have kurtosis 1; any mixture of many is nearly Gaussian (3).
        let values = code(
            8,
            32,
            11,
            |_, _, rng| if rng.uniform() < 0.5 { -1.0 } else { 1.0 },
        );
        let p = profile(sample(&values, 32, &photos(8)), 2);
        assert_eq!(p.verdict, Verdict::NeuronsLighter, "{:?}", p.kurtosis_auc);
        assert!(p.kurtosis_auc.high < 0.1, "{:?}", p.kurtosis_auc);
    }

    #[test]
    fn a_half_dense_half_sparse_code_splits_the_neurons_and_the_auc_sits_near_a_half() {
        // Channels 0–7 sparse, 8–15 Gaussian. A random direction mixes both, so it is a little
        // heavier than a Gaussian: the sparse neurons beat every random direction and the dense
        // ones lose to nearly all, and the AUC — a mean over pairs — lands near ½.
        let values = code(8, 16, 12, |_, j, rng| {
            if j < 8 {
                sparse(rng, 0.05)
            } else {
                rng.normal()
            }
        });
        let p = profile(sample(&values, 16, &photos(8)), 3);
        let mut random = p.random_kurtosis.clone();
        random.sort_by(f64::total_cmp);
        let (median, top) = (random[random.len() / 2], random[random.len() - 1]);
        assert!(
            p.basis_kurtosis[..8].iter().all(|&k| k > top),
            "{:?}",
            p.basis_kurtosis
        );
        assert!(
            p.basis_kurtosis[8..].iter().all(|&k| k < median),
            "{:?}",
            p.basis_kurtosis
        );
        assert!(
            (0.45..0.65).contains(&p.kurtosis_auc.value),
            "{:?}",
            p.kurtosis_auc
        );
        assert!(
            p.at_zero[..8].iter().all(|&z| z > 0.9) && p.at_zero[8..].iter().all(|&z| z == 0.0)
        );
    }

    #[test]
    fn a_dead_channel_is_reported_not_ranked_and_saturation_is_counted() {
        let values = code(4, 8, 13, |_, j, rng| match j {
            0 => 0.0,
            1 => 6.0f64.min(sparse(rng, 0.5) * 4.0),
            _ => rng.normal(),
        });
        let p = profile(sample(&values, 8, &photos(4)), 4);
        assert_eq!(
            p.constant,
            vec![Constant {
                channel: 0,
                value: 0.0
            }]
        );
        assert_eq!(p.ranked, (1..8).collect::<Vec<_>>());
        assert_eq!(p.basis_kurtosis.len(), 7);
        assert_eq!(p.at_zero[0], 1.0);
        assert!(p.at_six[1] > 0.05 && p.at_six[2] == 0.0, "{:?}", p.at_six);
    }

    #[test]
    fn the_interval_widens_when_one_photo_carries_the_tail() {
        // Every channel sparse on every photo: the photos agree, and the interval is narrow.
        let spread = code(8, 16, 14, |_, _, rng| {
            sparse(rng, 0.02) * 5.0 + rng.normal()
        });
        let spread = profile(sample(&spread, 16, &photos(8)), 5);
        // As many spikes, all on photo 0: a third of the resamples leave that photo out, and
        // without it the neurons are Gaussian.
        let one = code(8, 16, 14, |photo, _, rng| {
            (if photo == 0 {
                sparse(rng, 0.16) * 5.0
            } else {
                0.0
            }) + rng.normal()
        });
        let one = profile(sample(&one, 16, &photos(8)), 5);
        let width = |a: &Auc| a.high - a.low;
        assert!(spread.kurtosis_auc.low > 0.9, "{:?}", spread.kurtosis_auc);
        assert!(one.kurtosis_auc.value > 0.9, "{:?}", one.kurtosis_auc);
        assert!(one.kurtosis_auc.low < 0.6, "{:?}", one.kurtosis_auc);
        assert!(
            width(&one.kurtosis_auc) > 3.0 * width(&spread.kurtosis_auc),
            "{:?} vs {:?}",
            one.kurtosis_auc,
            spread.kurtosis_auc
        );
    }

    #[test]
    fn one_direction_along_the_slider_starts_at_its_neuron_and_ends_at_its_random_direction() {
        let values = code(2, 8, 15, |_, j, rng| {
            if j == 3 {
                sparse(rng, 0.05)
            } else {
                rng.normal()
            }
        });
        let random = [3.0, 3.1, 2.9, 50.0];
        let curve = along_slider(&values, 8, 3, &crate::direction::random_unit(8, 9), &random);
        assert_eq!(curve.len(), SLIDER_STOPS);
        let column: Vec<f64> = values.chunks_exact(8).map(|a| a[3] as f64).collect();
        assert!((curve[0].0 - kurtosis(&column)).abs() < 1e-9);
        // The sparse neuron beats three of the four random kurtoses.
        assert_eq!(curve[0].1, 0.75);
        let r = crate::direction::random_unit(8, 9);
        let projected: Vec<f64> = values
            .chunks_exact(8)
            .map(|a| a.iter().zip(&r).map(|(&x, y)| x as f64 * y).sum())
            .collect();
        assert!(
            (curve[10].0 - kurtosis(&projected)).abs() < 1e-6,
            "{curve:?}"
        );
    }

    #[test]
    fn wide_taps_are_read_at_a_seeded_budget_of_positions_per_crop() {
        let read = positions_to_read(10, 1000, 1024, 6);
        // 2²⁰ / (10 × 1024) = 102 positions of each crop's 1000, none twice.
        assert_eq!(read.len(), 1020);
        for crop in 0..10 {
            let mine: Vec<_> = read.iter().filter(|&&p| p / 1000 == crop).collect();
            assert_eq!(mine.len(), 102);
            assert!(mine.windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!(read, positions_to_read(10, 1000, 1024, 6));
        assert_ne!(read, positions_to_read(10, 1000, 1024, 7));
        assert_eq!(
            positions_to_read(4, 49, 1280, 6),
            (0..196).collect::<Vec<_>>()
        );
    }
}
