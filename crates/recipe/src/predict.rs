//! "Predict the response": Borowski et al.'s (ICLR 2021) two-alternative task, run on neurons
//! *and* random directions, blind. Each round shows reference visualizations of one direction (a
//! diversity batch of four) and two photo crops — one among the direction's strongest responses
//! in the shipped photo pool, one among its weakest — and asks which one makes the direction
//! respond more. Half the rounds use single neurons, half random directions, interleaved by the
//! seed; each student's own (see `design`). The link fixes everything but the crops' pixels,
//! which the model picks by rank; grading needs no model, because which side holds the strong
//! crop is drawn here.

use crate::design::Design;
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arm {
    /// A basis direction: one channel of the layer.
    Neuron,
    /// A seeded random unit direction of the layer.
    Random,
}

impl Arm {
    pub const BOTH: [Arm; 2] = [Arm::Neuron, Arm::Random];

    pub fn label(self) -> &'static str {
        match self {
            Arm::Neuron => "Neurons",
            Arm::Random => "Random directions",
        }
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
}

impl Predict {
    pub fn new(base: Recipe, layers: Vec<String>, rounds: usize) -> Self {
        Self(Design::new(base, layers, rounds))
    }

    /// A quiz's checks, and: an even number of rounds (half per arm), and room for the four
    /// references of a round in one batch.
    pub fn validate(&self) -> Result<(), RecipeError> {
        self.0.validate()?;
        if self.rounds % 2 == 1 {
            return Err(RecipeError::OutOfRange {
                field: "rounds",
                value: self.rounds as f64,
                range: "an even number from 2 to 40, half of them per arm",
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

    /// Student `student`'s rounds (`student`: their result code's nonce), in order. Layers take
    /// turns; each layer gets as many neuron rounds as random ones (one more of neither), and the
    /// seed shuffles them all, so the arms interleave blind.
    pub fn trials(&self, student: &str) -> Vec<Trial> {
        let mut choices = Choices::new(self.item_seed(student), TRIAL_STREAM);
        let mut slots: Vec<(&String, Arm)> = (0..self.rounds)
            .map(|i| {
                let layer = &self.layers[(i / 2) % self.layers.len()];
                (layer, Arm::BOTH[i % 2])
            })
            .collect();
        choices.shuffle(&mut slots);
        let mut fresh = FreshChannels::default();
        slots
            .into_iter()
            .map(|(layer, arm)| {
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
                };
                Trial {
                    layer: layer.clone(),
                    arm,
                    reference_seeds: reference_seeds(&direction),
                    direction,
                    strong_left: choices.coin(),
                    strong_rank: choices.below(QUERY_RANKS),
                    weak_rank: choices.below(QUERY_RANKS),
                }
            })
            .collect()
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

/// The starting noise of a direction's reference images: drawn from the direction's seed, so the
/// app and `basis predict` make the same four pictures.
pub fn reference_seeds(direction: &Recipe) -> [u64; REFERENCES] {
    let mut choices = Choices::new(direction.seed, REFERENCE_STREAM);
    std::array::from_fn(|_| choices.seed())
}
