//! "Predict the response": Borowski et al.'s (ICLR 2021) two-alternative task, run on neurons
//! *and* random directions, blind. Each round shows reference visualizations of one direction (a
//! diversity batch of four) and two photo crops — one among the direction's strongest responses
//! in the shipped photo pool, one among its weakest — and asks which one makes the direction
//! respond more. Half the rounds use single neurons, half random directions, interleaved by the
//! seed; each student's own (see `design`). The link fixes everything but the crops' pixels,
//! which the model picks by rank; grading needs no model, because which side holds the strong
//! crop is drawn here.
//!
//! With Borowski's control rounds ([`ControlRounds::Borowski`]) the photo pool is split in two
//! halves by photo: the queries come from one, photo references from the other, so a reference is
//! never a query's photo. Half of the counted rounds show the direction's strongest and weakest
//! crops of the reference half instead of visualizations (Borowski's natural condition); one round
//! per arm at the start and one at the end shows no references at all (what the photos alone give
//! away: Zimmermann et al. 2021's baseline); and one catch round in each half of the test puts the
//! right photo itself among its references, so a student who misses it was not reading them.

use crate::design::{Arms, ControlRounds, Design};
use crate::fingerprint::fingerprint;
use crate::quiz::FreshChannels;
use crate::seeded::Choices;
use crate::{Recipe, RecipeError};

/// Reference images per round: Lucid's diversity batch.
pub const REFERENCES: usize = 4;
/// The strong query is drawn among this many strongest crops, the weak one among as many weakest.
pub const QUERY_RANKS: usize = 3;
const TRIAL_STREAM: u64 = 22;
const REFERENCE_STREAM: u64 = 23;
/// Rounds Borowski's controls add to the counted ones: a no-reference round per arm at the start
/// and again at the end, and a catch round in each half of the counted rounds.
pub const CONTROL_ROUNDS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arm {
    /// A basis direction: one channel of the layer.
    Neuron,
    /// A seeded random unit direction of the layer.
    Random,
    /// One of the layer's [`LEARNED_ITEMS`] heaviest-tailed directions learned from the shipped
    /// photos (ICA).
    Learned,
}

/// A learned round asks about one of the layer's this many heaviest-tailed ICA directions (every
/// tap of the three networks gives at least this many).
pub const LEARNED_ITEMS: u32 = 8;

impl Arm {
    pub const BOTH: [Arm; 2] = [Arm::Neuron, Arm::Random];
    pub const THREE: [Arm; 3] = [Arm::Neuron, Arm::Random, Arm::Learned];

    pub fn label(self) -> &'static str {
        match self {
            Arm::Neuron => "Neurons",
            Arm::Random => "Random directions",
            Arm::Learned => "Learned directions",
        }
    }

    /// `neuron`, `random` or `learned`: how pages and JSON name it.
    pub fn key(self) -> &'static str {
        match self {
            Arm::Neuron => "neuron",
            Arm::Random => "random",
            Arm::Learned => "learned",
        }
    }
}

/// What a round shows as references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// The direction's feature visualizations: the question the test asks.
    Synthetic,
    /// The direction's strongest and weakest crops of the photo pool's reference half.
    Natural,
    /// Nothing: the two photos alone.
    NoReference,
    /// As [`Condition::Natural`], but one of the strongest references is the right photo itself.
    Catch,
}

impl Condition {
    /// The conditions a class's accuracy is read in, the baseline first.
    pub const READ: [Condition; 3] = [
        Condition::NoReference,
        Condition::Synthetic,
        Condition::Natural,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Condition::Synthetic => "visualizations",
            Condition::Natural => "photos as references",
            Condition::NoReference => "no references",
            Condition::Catch => "catch round",
        }
    }

    /// The references are photo crops of the pool's reference half.
    pub fn has_photo_references(self) -> bool {
        matches!(self, Condition::Natural | Condition::Catch)
    }
}

/// "Predict the response": its design (the base recipe sets the references' seed, image and
/// transform settings and steps), and the trials it draws from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Predict(Design);

impl std::ops::Deref for Predict {
    type Target = Design;

    fn deref(&self) -> &Design {
        &self.0
    }
}

impl From<Design> for Predict {
    fn from(design: Design) -> Self {
        Self(design)
    }
}

impl std::ops::DerefMut for Predict {
    fn deref_mut(&mut self) -> &mut Design {
        &mut self.0
    }
}

/// One round.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    pub layer: String,
    pub arm: Arm,
    /// The direction: a neuron (mix 0) or a random direction (mix 1). Its seed also draws the
    /// references' shared transforms.
    pub direction: Recipe,
    /// The starting noise of each reference image.
    pub reference_seeds: [u64; REFERENCES],
    /// Which side shows the strongly responding crop.
    pub strong_left: bool,
    /// Which of the [`QUERY_RANKS`] strongest crops is shown (0 = the strongest).
    pub strong_rank: usize,
    /// Which of the [`QUERY_RANKS`] weakest crops is shown (0 = the weakest).
    pub weak_rank: usize,
    pub condition: Condition,
    /// In a catch round, which of the strongest references is the right photo itself.
    pub catch_slot: Option<usize>,
}

impl Predict {
    pub fn new(base: Recipe, layers: Vec<String>, rounds: usize) -> Self {
        Self(Design::new(base, layers, rounds))
    }

    /// A quiz's checks, and: an even number of rounds (half per arm; with control rounds a
    /// multiple of 4, a quarter per arm and condition), and room for the four references of a
    /// round in one batch.
    pub fn validate(&self) -> Result<(), RecipeError> {
        self.0.validate()?;
        let (multiple, range) = match (self.control_rounds, self.arms) {
            (ControlRounds::Borowski, Arms::Three | Arms::ThreeHeldOut) => {
                return Err(RecipeError::NoThirdArm);
            }
            (ControlRounds::None, Arms::Three | Arms::ThreeHeldOut) => (
                3,
                "a multiple of 3 from 3 to 39 with a third arm, a third of them per arm",
            ),
            (ControlRounds::None, Arms::Two) => {
                (2, "an even number from 2 to 40, half of them per arm")
            }
            (ControlRounds::Borowski, Arms::Two) => (
                4,
                "a multiple of 4 from 4 to 40 with control rounds: a quarter per arm and kind of reference",
            ),
        };
        if !self.rounds.is_multiple_of(multiple) {
            return Err(RecipeError::OutOfRange {
                field: "rounds",
                value: self.rounds as f64,
                range,
            });
        }
        if self.base.batch_capacity() < REFERENCES {
            return Err(RecipeError::OutOfRange {
                field: "size",
                value: self.base.image.size as f64,
                range: "small enough for a round's 4 references in one batch (up to 224 px with Lucid's transforms)",
            });
        }
        Ok(())
    }

    /// The arms the rounds are about, in order.
    pub fn arms(&self) -> &'static [Arm] {
        match self.arms {
            Arms::Two => &Arm::BOTH,
            Arms::Three | Arms::ThreeHeldOut => &Arm::THREE,
        }
    }

    /// Every round a student answers: the counted ones and any control rounds.
    pub fn all_rounds(&self) -> usize {
        match self.control_rounds {
            ControlRounds::None => self.rounds,
            ControlRounds::Borowski => self.rounds + CONTROL_ROUNDS,
        }
    }

    /// Student `student`'s rounds (`student`: their result code's nonce), in order. Layers take
    /// turns; each layer gets as many neuron rounds as random ones (one more of neither), and the
    /// seed shuffles them all, so the arms interleave blind. With control rounds, arms and
    /// conditions are balanced the same way, and the control rounds are placed around them.
    pub fn trials(&self, student: &str) -> Vec<Trial> {
        let mut choices = Choices::new(self.item_seed(student), TRIAL_STREAM);
        let slots = match self.control_rounds {
            ControlRounds::None => self.plain_slots(&mut choices),
            ControlRounds::Borowski => self.controlled_slots(&mut choices),
        };
        let mut fresh = FreshChannels::default();
        let mut learned = FreshLearned::default();
        slots
            .into_iter()
            .map(|(layer, arm, condition)| {
                let base = Recipe {
                    layer: layer.clone(),
                    ..self.base.clone()
                };
                let direction = match arm {
                    Arm::Neuron => Recipe {
                        channel: fresh.draw(&mut choices, &base),
                        seed: choices.seed(),
                        ..base
                    },
                    Arm::Random => Recipe {
                        seed: choices.seed(),
                        mix: 1.0,
                        ..base
                    },
                    Arm::Learned => Recipe {
                        toward: self.arms.learned(learned.draw(&mut choices, &base.layer)),
                        seed: choices.seed(),
                        mix: 1.0,
                        ..base
                    },
                };
                Trial {
                    layer: layer.clone(),
                    arm,
                    reference_seeds: reference_seeds(&direction),
                    direction,
                    strong_left: choices.coin(),
                    strong_rank: choices.below(QUERY_RANKS),
                    weak_rank: choices.below(QUERY_RANKS),
                    condition,
                    catch_slot: (condition == Condition::Catch).then(|| choices.below(REFERENCES)),
                }
            })
            .collect()
    }

    /// The counted rounds' layers and arms, shuffled: as the first release drew them (a third
    /// arm takes its turn after the other two).
    fn plain_slots(&self, choices: &mut Choices) -> Vec<(&String, Arm, Condition)> {
        let arms = self.arms();
        let mut slots: Vec<_> = (0..self.rounds)
            .map(|i| {
                let layer = &self.layers[(i / arms.len()) % self.layers.len()];
                (layer, arms[i % arms.len()], Condition::Synthetic)
            })
            .collect();
        choices.shuffle(&mut slots);
        slots
    }

    /// No-reference rounds (one per arm, in a drawn order), the counted rounds with a catch
    /// round somewhere in each half, no-reference rounds again. A control round's layer and a
    /// catch round's arm are drawn.
    fn controlled_slots(&self, choices: &mut Choices) -> Vec<(&String, Arm, Condition)> {
        let conditions = [Condition::Synthetic, Condition::Natural];
        let mut counted: Vec<_> = (0..self.rounds)
            .map(|i| {
                let layer = &self.layers[(i / 4) % self.layers.len()];
                (layer, Arm::BOTH[i % 2], conditions[(i / 2) % 2])
            })
            .collect();
        choices.shuffle(&mut counted);
        let layer = |choices: &mut Choices| &self.layers[choices.below(self.layers.len())];
        let half = self.rounds / 2;
        let late = half + choices.below(self.rounds - half + 1);
        let early = choices.below(half + 1);
        for at in [late, early] {
            let arm = Arm::BOTH[choices.below(2)];
            counted.insert(at, (layer(choices), arm, Condition::Catch));
        }
        let no_reference = |choices: &mut Choices| {
            let mut arms = Arm::BOTH;
            choices.shuffle(&mut arms);
            arms.map(|arm| (layer(choices), arm, Condition::NoReference))
        };
        let start = no_reference(choices);
        let end = no_reference(choices);
        start.into_iter().chain(counted).chain(end).collect()
    }

    /// As [`crate::Quiz::id`], told apart from a quiz with the same settings.
    pub fn id(&self) -> String {
        fingerprint(&format!("predict:{}", self.encode()))
    }

    /// Parses and validates a predict-the-response link's code. Never panics.
    pub fn decode(text: &str) -> Result<Self, RecipeError> {
        let predict = Self(Design::decode(text)?);
        predict.validate()?;
        Ok(predict)
    }
}

/// Draws learned directions of each layer without repeats, until a layer's [`LEARNED_ITEMS`] run
/// out.
#[derive(Default)]
pub(crate) struct FreshLearned {
    used: Vec<(String, u32)>,
}

impl FreshLearned {
    pub fn draw(&mut self, choices: &mut Choices, layer: &str) -> u32 {
        let left: Vec<u32> = (0..LEARNED_ITEMS)
            .filter(|k| !self.used.iter().any(|(l, u)| l == layer && u == k))
            .collect();
        let k = if left.is_empty() {
            self.used.retain(|(l, _)| l != layer);
            choices.below(LEARNED_ITEMS as usize) as u32
        } else {
            left[choices.below(left.len())]
        };
        self.used.push((layer.to_owned(), k));
        k
    }
}

/// The starting noise of a direction's reference images: drawn from the direction's seed, so the
/// app and `basis predict` make the same four pictures.
pub fn reference_seeds(direction: &Recipe) -> [u64; REFERENCES] {
    let mut choices = Choices::new(direction.seed, REFERENCE_STREAM);
    std::array::from_fn(|_| choices.seed())
}
