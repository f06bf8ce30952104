//! The photo crops of a predict-the-response round (Borowski et al. 2021): the pool's crops
//! ranked by a direction's spatial-mean response — Borowski's measure — one query drawn among the
//! strongest, one among the weakest; with control rounds, the queries come from one half of the
//! photos and photo references from the other; with held-out learned directions, every arm's
//! queries come from the half those directions were not learned from.

use basis_recipe::{Arms, Condition, ControlRounds, Design, LearnedFrom, REFERENCES, Trial};

use crate::direction;
use crate::pool::{Activations, CROPS_PER_PHOTO};

/// The smallest difference between a round's two responses, as a fraction of the spread of the
/// eligible crops' responses. Closer pairs are ties nobody could call, and at ReLU6 taps many
/// crops answer exactly 0.
pub const MIN_GAP: f32 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queries {
    /// Index into the pool's crops.
    pub strong: usize,
    pub weak: usize,
    /// Their mean responses.
    pub strong_value: f32,
    pub weak_value: f32,
    /// The gap the two responses had to clear ([`MIN_GAP`] of the spread).
    pub min_gap: f32,
}

/// Each crop's response to `direction`: ⟨a, d⟩ averaged over the crop's positions.
pub fn mean_responses(acts: &Activations, direction: &[f32]) -> Vec<f32> {
    let per_crop = acts.grid * acts.grid;
    acts.values
        .chunks_exact(acts.channels * per_crop)
        .map(|crop| {
            let sum: f32 = crop
                .chunks_exact(acts.channels)
                .map(|a| a.iter().zip(direction).map(|(x, d)| x * d).sum::<f32>())
                .sum();
            sum / per_crop as f32
        })
        .collect()
}

/// Among the `eligible` crops (their [`mean_responses`] in `responses`), the `strong_rank`-th strongest and the `weak_rank`-th weakest
/// (0 = the extreme one), ties going to the lower crop index. Where those two are one crop or
/// their responses are closer than [`MIN_GAP`] of the spread, both ranks step towards their
/// extremes until the pair is two crops that clear it. `None` if even the strongest and the
/// weakest crop do not.
pub fn queries(
    responses: &[f32],
    eligible: &[usize],
    strong_rank: usize,
    weak_rank: usize,
) -> Option<Queries> {
    let order = ranked(responses, eligible);
    let (first, last) = (*order.first()?, *order.last()?);
    let min_gap = MIN_GAP * (responses[first] - responses[last]);
    let (mut s, mut w) = (strong_rank, weak_rank);
    loop {
        if s + w + 1 < order.len() {
            let (strong, weak) = (order[s], order[order.len() - 1 - w]);
            let gap = responses[strong] - responses[weak];
            if gap > 0.0 && gap >= min_gap {
                return Some(Queries {
                    strong,
                    weak,
                    strong_value: responses[strong],
                    weak_value: responses[weak],
                    min_gap,
                });
            }
        }
        if s == 0 && w == 0 {
            return None;
        }
        s = s.saturating_sub(1);
        w = w.saturating_sub(1);
    }
}

/// `eligible`'s crops that exist, strongest response first, ties going to the lower crop index.
fn ranked(responses: &[f32], eligible: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&c| c < responses.len())
        .collect();
    order.sort_by(|&a, &b| responses[b].total_cmp(&responses[a]).then(a.cmp(&b)));
    order
}

/// Which half of the shipped photos a crop's photo is in, with control rounds: queries come from
/// one, photo references from the other, so a reference is never a query's photo. Every other
/// photo (in the pool's order) goes to each half, so both halves hold varied photos. Held-out
/// learned directions are learned from the reference half ([`LearnedFrom::ReferenceHalf`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    Query,
    Reference,
}

/// The crops of the first `shipped` (the shipped photos' crops: a user's own come after them and
/// would give each student other crops) that a round may take its queries from, or `half`'s.
pub fn eligible(shipped: usize, half: Option<Half>) -> Vec<usize> {
    let wanted = |crop: usize| {
        // The reference half is the photos held-out learned directions are learned from.
        let reference = LearnedFrom::ReferenceHalf.includes(crop / CROPS_PER_PHOTO);
        match half {
            None => true,
            Some(Half::Query) => !reference,
            Some(Half::Reference) => reference,
        }
    };
    (0..shipped).filter(|&c| wanted(c)).collect()
}

/// A round's photo references: the direction's strongest crops, then its weakest.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoReferences {
    pub strongest: [usize; REFERENCES],
    pub weakest: [usize; REFERENCES],
}

/// The [`REFERENCES`] strongest and as many weakest of the `eligible` crops (their
/// [`mean_responses`] in `responses`); `None` with fewer than twice as many crops.
pub fn photo_references(responses: &[f32], eligible: &[usize]) -> Option<PhotoReferences> {
    let order = ranked(responses, eligible);
    if order.len() < 2 * REFERENCES {
        return None;
    }
    Some(PhotoReferences {
        strongest: std::array::from_fn(|k| order[k]),
        weakest: std::array::from_fn(|k| order[order.len() - 1 - k]),
    })
}

/// Everything of a round's that comes from the photo pool.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundCrops {
    pub queries: Queries,
    /// With photo references (natural and catch rounds); in a catch round, the strong query is
    /// one of the strongest.
    pub references: Option<PhotoReferences>,
}

/// `trial`'s crops among the first `shipped` crops of `acts` (its layer's activations), its
/// direction turning toward `target` (as [`direction::target`] or a learned direction gives), in
/// a round of `test`. With control rounds or held-out learned directions the queries come from
/// the query half (and photo references from the other), or the other way round where the query
/// half cannot make the round — except for a direction learned from the reference half, which
/// is never asked about its own photos. `None` if the pool cannot make the round: too few crops,
/// or all respond alike.
pub fn round_crops(
    trial: &Trial,
    target: &[f64],
    test: &Design,
    acts: &Activations,
    shipped: usize,
) -> Option<RoundCrops> {
    let d = direction::of_recipe(&trial.direction, target).ok()?;
    let responses = mean_responses(acts, &d);
    let pick = |half| {
        let crops = eligible(shipped, half);
        queries(&responses, &crops, trial.strong_rank, trial.weak_rank)
    };
    let split = test.control_rounds == ControlRounds::Borowski || test.arms == Arms::ThreeHeldOut;
    let held_out = matches!(
        trial.direction.toward.learned(),
        Some((LearnedFrom::ReferenceHalf, _))
    );
    let (queries, reference_half) = if split {
        match pick(Some(Half::Query)) {
            Some(queries) => (queries, Half::Reference),
            // A sparse ReLU6 neuron can be silent on every crop of one half: its round swaps them.
            None if !held_out => (pick(Some(Half::Reference))?, Half::Query),
            None => return None,
        }
    } else {
        (pick(None)?, Half::Reference)
    };
    let references = match trial.condition {
        Condition::Synthetic | Condition::NoReference => None,
        Condition::Natural | Condition::Catch => {
            let mut references =
                photo_references(&responses, &eligible(shipped, Some(reference_half)))?;
            if let Some(slot) = trial.catch_slot {
                references.strongest[slot] = queries.strong;
            }
            Some(references)
        }
    };
    Some(RoundCrops {
        queries,
        references,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 5 crops of a 2 × 2 grid with 2 channels; crop i's positions hold (i, −i) and zeros, except
    /// crop 4, which repeats crop 1.
    fn acts() -> Activations {
        let mut values = Vec::new();
        for crop in [0.0, 1.0, 2.0, 3.0, 1.0f32] {
            values.extend([crop, -crop, 0.0, 0.0, crop, 0.0, 0.0, 0.0]);
        }
        Activations {
            channels: 2,
            grid: 2,
            crops: 5,
            values,
        }
    }

    #[test]
    fn responses_are_spatial_means_of_the_projection() {
        assert_eq!(
            mean_responses(&acts(), &[1.0, 0.0]),
            vec![0.0, 0.5, 1.0, 1.5, 0.5]
        );
        assert_eq!(
            mean_responses(&acts(), &[0.0, 1.0]),
            vec![0.0, -0.25, -0.5, -0.75, -0.25]
        );
    }

    #[test]
    fn queries_take_ranks_from_both_ends_of_the_eligible_crops() {
        let q = |eligible: usize, strong, weak| {
            let crops: Vec<usize> = (0..eligible).collect();
            queries(&mean_responses(&acts(), &[1.0, 0.0]), &crops, strong, weak)
        };
        let pick = |q: Option<Queries>| q.map(|q| (q.strong, q.weak));
        assert_eq!(pick(q(5, 0, 0)), Some((3, 0)));
        // Crops 1 and 4 tie: the lower index ranks as the stronger, from either end.
        assert_eq!(pick(q(5, 1, 1)), Some((2, 4)));
        // Ranks 2 and 2 of 5 are one crop: both step towards their ends.
        assert_eq!(pick(q(5, 2, 2)), Some((2, 4)));
        assert_eq!(pick(q(5, 3, 0)), Some((4, 0)));
        // The user's crop (index 4) is not eligible.
        assert_eq!(pick(q(4, 0, 0)), Some((3, 0)));
        assert_eq!(pick(q(2, 1, 1)), Some((1, 0)));
        assert_eq!(pick(q(1, 0, 0)), None);
        let both = q(5, 0, 0).unwrap();
        assert_eq!((both.strong_value, both.weak_value), (1.5, 0.0));
        assert_eq!(both.min_gap, MIN_GAP * 1.5);
    }

    #[test]
    fn a_pair_that_ties_is_never_drawn() {
        // Responses 0, 0, 0, 1.03, 1: a ReLU6 neuron silent on three crops.
        let mut values = Vec::new();
        for response in [0.0, 0.0, 0.0, 1.03, 1.0f32] {
            values.extend([response; 4]);
        }
        let acts = Activations {
            channels: 1,
            grid: 2,
            crops: 5,
            values,
        };
        let all = [0, 1, 2, 3, 4];
        let pick =
            |s, w| queries(&mean_responses(&acts, &[1.0]), &all, s, w).map(|q| (q.strong, q.weak));
        // Ranks 2 and 1 pair two silent crops; one step out pairs crop 4 with a zero.
        assert_eq!(pick(2, 1), Some((4, 2)));
        assert_eq!(pick(0, 0), Some((3, 2)));
        let flat = Activations {
            values: vec![0.5; 20],
            ..acts
        };
        assert_eq!(queries(&mean_responses(&flat, &[1.0]), &all, 0, 0), None);
    }

    #[test]
    fn the_halves_alternate_photos_and_never_share_one() {
        let query = eligible(20, Some(Half::Query));
        let reference = eligible(20, Some(Half::Reference));
        assert_eq!(query, [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19]);
        assert_eq!(reference, [4, 5, 6, 7, 12, 13, 14, 15]);
        assert_eq!(eligible(6, None), [0, 1, 2, 3, 4, 5]);
        // Held-out learned directions are learned from the reference half's photos.
        for photo in 0..5 {
            assert_eq!(
                LearnedFrom::ReferenceHalf.includes(photo),
                reference.contains(&(photo * CROPS_PER_PHOTO)),
                "photo {photo}"
            );
        }
    }

    /// 8 photos' crops of a 2 × 2 grid with seeded normal responses in every channel.
    fn varied(channels: usize) -> Activations {
        let crops = 8 * CROPS_PER_PHOTO;
        let mut rng = crate::SeededRng::new(7, 0);
        Activations {
            channels,
            grid: 2,
            crops,
            values: rng.normals(crops * 4 * channels, 1.0),
        }
    }

    /// 8 photos' crops of one position where every channel answers crop i with i on odd photos
    /// (the reference half) and 0 on even ones: silent on the query half.
    fn silent_on_the_query_half(channels: usize) -> Activations {
        let crops = 8 * CROPS_PER_PHOTO;
        let odd = |c: usize| (c / CROPS_PER_PHOTO) % 2 == 1;
        Activations {
            channels,
            grid: 1,
            crops,
            values: (0..crops)
                .flat_map(|c| vec![if odd(c) { c as f32 } else { 0.0 }; channels])
                .collect(),
        }
    }

    /// A three-arm test with held-out learned directions: every arm's queries come from the query
    /// half; where that half is silent a neuron's round swaps halves, a held-out learned
    /// direction's is not made (its other half is the photos it was learned from).
    #[test]
    fn held_out_learned_directions_are_asked_about_the_other_half_only() {
        use basis_recipe::{Arm, Predict, Recipe};

        let mut test = Predict::new(Recipe::new("0123456789abcdef"), vec!["stem".into()], 6);
        test.arms = Arms::ThreeHeldOut;
        let crops = 8 * CROPS_PER_PHOTO;
        let photo = |crop: usize| crop / CROPS_PER_PHOTO;
        let trials = test.trials("AB12");
        let channels = trials[0].direction.tap().unwrap().channels();
        let (varied, silent_query_half) = (varied(channels), silent_on_the_query_half(channels));
        let target = |_: &Trial| {
            let mut unit = vec![0.0; channels];
            unit[0] = 1.0;
            unit
        };
        for trial in &trials {
            let round = round_crops(trial, &target(trial), &test, &varied, crops).unwrap();
            let q = round.queries;
            assert!(
                photo(q.strong) % 2 == 0 && photo(q.weak) % 2 == 0,
                "{trial:?}"
            );
            let silent = round_crops(trial, &target(trial), &test, &silent_query_half, crops);
            if trial.arm == Arm::Learned {
                assert_eq!(silent, None, "never asked about its own photos");
            } else {
                let q = silent.expect("a neuron's round swaps halves").queries;
                assert!(photo(q.strong) % 2 == 1 && photo(q.weak) % 2 == 1);
            }
        }
        assert!(trials.iter().any(|t| t.arm == Arm::Learned));
    }

    /// 16 crops of one position and channel, crop i responding i; odd photos (crops 4–7,
    /// 12–15) are the reference half.
    fn ramp() -> Activations {
        Activations {
            channels: 1,
            grid: 1,
            crops: 16,
            values: (0..16).map(|i| i as f32).collect(),
        }
    }

    /// A neuron silent on every crop of the query half (a ReLU6 tap's sparse channel) takes its
    /// queries from the other half, and its photo references from the query half.
    #[test]
    fn a_direction_silent_on_the_query_half_swaps_the_halves() {
        use basis_recipe::{Predict, Recipe};

        let mut test = Predict::new(Recipe::new("0123456789abcdef"), vec!["stem".into()], 4);
        test.control_rounds = ControlRounds::Borowski;
        let trial = test
            .trials("AB12")
            .into_iter()
            .find(|t| t.condition == Condition::Natural)
            .unwrap();
        let channels = trial.direction.tap().unwrap().channels();
        let crops = 8 * CROPS_PER_PHOTO;
        let acts = silent_on_the_query_half(channels);
        let mut neuron = trial.clone();
        neuron.direction.mix = 0.0;
        let target = direction::random_target(&neuron.direction).unwrap();
        let round = round_crops(&neuron, &target, &test, &acts, crops).unwrap();
        let photo = |crop: usize| crop / CROPS_PER_PHOTO;
        assert_eq!(photo(round.queries.strong) % 2, 1);
        assert_eq!(photo(round.queries.weak) % 2, 1);
        let refs = round.references.unwrap();
        assert!(
            refs.strongest
                .iter()
                .chain(&refs.weakest)
                .all(|&c| photo(c) % 2 == 0)
        );
    }

    #[test]
    fn photo_references_are_the_extremes_of_their_half() {
        let refs = photo_references(
            &mean_responses(&ramp(), &[1.0]),
            &eligible(16, Some(Half::Reference)),
        );
        assert_eq!(
            refs,
            Some(PhotoReferences {
                strongest: [15, 14, 13, 12],
                weakest: [4, 5, 6, 7],
            })
        );
        assert_eq!(
            photo_references(&mean_responses(&ramp(), &[1.0]), &[0, 1, 2, 3, 4]),
            None
        );
    }

    /// Every round of a test with control rounds, on 8 photos' crops with seeded responses:
    /// queries from the even photos, references from the odd ones, and a catch round's right
    /// photo among its references.
    #[test]
    fn with_control_rounds_references_and_queries_never_share_a_photo() {
        use basis_recipe::{Predict, Recipe};

        let mut test = Predict::new(
            Recipe::new("0123456789abcdef"),
            vec!["block3".into(), "block8.dw".into()],
            12,
        );
        test.control_rounds = ControlRounds::Borowski;
        let crops = 8 * CROPS_PER_PHOTO;
        let photo = |crop: usize| crop / CROPS_PER_PHOTO;
        for student in ["AB12", "CD34"] {
            for trial in test.trials(student) {
                let acts = varied(trial.direction.tap().unwrap().channels());
                let target = direction::random_target(&trial.direction).unwrap();
                let round = round_crops(&trial, &target, &test, &acts, crops).unwrap();
                let q = round.queries;
                assert!(photo(q.strong) % 2 == 0 && photo(q.weak) % 2 == 0);
                let query_half = 0;
                assert_eq!(
                    round.references.is_some(),
                    trial.condition.has_photo_references()
                );
                let Some(refs) = round.references else {
                    continue;
                };
                for (k, crop) in refs.strongest.iter().chain(&refs.weakest).enumerate() {
                    if trial.catch_slot == Some(k) {
                        assert_eq!(*crop, q.strong, "the catch round's right photo itself");
                    } else {
                        assert_ne!(photo(*crop) % 2, query_half, "{trial:?}");
                    }
                }
            }
        }
    }
}
