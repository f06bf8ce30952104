//! "Spot the neuron": a quiz link fixes how each student's rounds are drawn — layer, neuron,
//! foil, which side each is on — from the link's seed and the student's nonce (or the link's seed
//! alone for shared items). Both images of a round share the objective's form, all settings and
//! the number of steps; only the direction differs (a basis vector, or the foil: a seeded random
//! unit vector). With a third arm, half the rounds' foils are directions learned from the shipped
//! photos instead (one of the layer's [`crate::LEARNED_ITEMS`] heaviest-tailed ICA directions): if
//! learned directions look more like "a neuron" than neurons do, those rounds fall below chance.

use crate::design::{Arms, ControlRounds, Design};
use crate::fingerprint::fingerprint;
use crate::predict::{Arm, FreshLearned};
use crate::seeded::Choices;
use crate::{Recipe, RecipeError, Toward};

const ROUND_STREAM: u64 = 21;

/// "Spot the neuron": its design, and the rounds it draws from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Quiz(Design);

impl std::ops::Deref for Quiz {
    type Target = Design;

    fn deref(&self) -> &Design {
        &self.0
    }
}

impl From<Design> for Quiz {
    fn from(design: Design) -> Self {
        Self(design)
    }
}

impl std::ops::DerefMut for Quiz {
    fn deref_mut(&mut self) -> &mut Design {
        &mut self.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub layer: String,
    pub neuron: Recipe,
    /// The other picture's direction: the neuron turned all the way to a random direction, or
    /// (with a third arm) to a learned one.
    pub foil: Recipe,
    /// [`Arm::Random`] or [`Arm::Learned`].
    pub foil_arm: Arm,
    /// Which side the neuron is shown on.
    pub neuron_left: bool,
}

impl Round {
    /// The recipes as shown, left then right.
    pub fn shown(&self) -> [&Recipe; 2] {
        if self.neuron_left {
            [&self.neuron, &self.foil]
        } else {
            [&self.foil, &self.neuron]
        }
    }

    /// The arm of each picture, left then right.
    pub fn arms(&self) -> [Arm; 2] {
        if self.neuron_left {
            [Arm::Neuron, self.foil_arm]
        } else {
            [self.foil_arm, Arm::Neuron]
        }
    }
}

/// The kinds of foil of a quiz with a third arm: they take turns before the shuffle, and results
/// list them in this order.
pub const FOILS: [Arm; 2] = [Arm::Random, Arm::Learned];

impl Quiz {
    pub fn new(base: Recipe, layers: Vec<String>, rounds: usize) -> Self {
        Self(Design::new(base, layers, rounds))
    }

    /// Student `student`'s rounds (`student`: their result code's nonce), in order. Layers take
    /// turns evenly (shuffled by the seed); a layer's neurons are distinct until its channels run
    /// out; random directions and sides come from the seed. With a third arm each layer's rounds
    /// are half against random foils and half against learned ones (one more of neither), and a
    /// layer's learned foils are distinct until its [`crate::LEARNED_ITEMS`] run out.
    pub fn rounds(&self, student: &str) -> Vec<Round> {
        let mut choices = Choices::new(self.item_seed(student), ROUND_STREAM);
        // Two-arm quizzes draw exactly as the first release did.
        let mut slots: Vec<(&String, Arm)> = match self.arms {
            Arms::Two => self
                .layers
                .iter()
                .cycle()
                .take(self.rounds)
                .map(|layer| (layer, Arm::Random))
                .collect(),
            Arms::Three | Arms::ThreeHeldOut => self
                .layers
                .iter()
                .flat_map(|layer| FOILS.map(|foil| (layer, foil)))
                .cycle()
                .take(self.rounds)
                .collect(),
        };
        choices.shuffle(&mut slots);
        let mut fresh = FreshChannels::default();
        let mut learned = FreshLearned::default();
        slots
            .into_iter()
            .map(|(layer, foil_arm)| {
                let base = Recipe {
                    layer: layer.clone(),
                    ..self.base.clone()
                };
                let channel = fresh.draw(&mut choices, &base);
                let neuron = Recipe {
                    channel,
                    seed: choices.seed(),
                    ..base.clone()
                };
                let toward = match foil_arm {
                    Arm::Learned => Toward::Learned(learned.draw(&mut choices, layer)),
                    _ => base.toward,
                };
                let foil = Recipe {
                    channel,
                    toward,
                    seed: choices.seed(),
                    mix: 1.0,
                    ..base
                };
                Round {
                    layer: layer.clone(),
                    neuron,
                    foil,
                    foil_arm,
                    neuron_left: choices.coin(),
                }
            })
            .collect()
    }

    /// A design's checks, and: no control rounds; learned foils learned from all the photos
    /// (nothing is asked about photos); with them, an even number of rounds (half per kind of
    /// foil).
    pub fn validate(&self) -> Result<(), RecipeError> {
        self.0.validate()?;
        if self.control_rounds != ControlRounds::None {
            return Err(RecipeError::NoControlRounds);
        }
        if self.arms == Arms::ThreeHeldOut {
            return Err(RecipeError::HeldOutFoils);
        }
        if self.arms == Arms::Three && !self.rounds.is_multiple_of(2) {
            return Err(RecipeError::OutOfRange {
                field: "rounds",
                value: self.rounds as f64,
                range: "an even number from 2 to 40 with learned foils, half of them per kind of foil",
            });
        }
        Ok(())
    }

    /// A short fingerprint of the quiz, written into every result code so the tally can refuse
    /// codes from another quiz: FNV-1a of the link's code, 30 bits as 6 base-32 characters.
    pub fn id(&self) -> String {
        fingerprint(&self.encode())
    }

    /// Parses and validates a quiz link's code. Never panics.
    pub fn decode(text: &str) -> Result<Self, RecipeError> {
        let quiz = Self(Design::decode(text)?);
        quiz.validate()?;
        Ok(quiz)
    }
}

/// Draws neurons of each layer without repeats, until a layer's channels run out.
#[derive(Default)]
pub(crate) struct FreshChannels {
    used: Vec<(String, u32)>,
}

impl FreshChannels {
    /// A neuron of `recipe`'s layer not drawn before.
    pub fn draw(&mut self, choices: &mut Choices, recipe: &Recipe) -> u32 {
        let channels = recipe.tap().map_or(1, |tap| tap.channels());
        let layer = &recipe.layer;
        let taken = self.used.iter().filter(|(l, _)| l == layer).count();
        let mut channel = choices.below(channels) as u32;
        while taken < channels && self.used.iter().any(|(l, c)| l == layer && *c == channel) {
            channel = choices.below(channels) as u32;
        }
        self.used.push((layer.clone(), channel));
        channel
    }
}
