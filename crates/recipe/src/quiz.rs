//! "Spot the neuron": a quiz link fixes how each student's rounds are drawn — layer, neuron,
//! random direction, which side each is on — from the link's seed and the student's nonce (or the
//! link's seed alone for shared items). Both images of a round share the objective's form, all
//! settings and the number of steps; only the direction differs (a basis vector or a seeded
//! random unit vector).

use crate::design::{ControlRounds, Design};
use crate::fingerprint::fingerprint;
use crate::seeded::Choices;
use crate::{Recipe, RecipeError};

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
    pub random: Recipe,
    /// Which side the neuron is shown on.
    pub neuron_left: bool,
}

impl Round {
    /// The recipes as shown, left then right.
    pub fn shown(&self) -> [&Recipe; 2] {
        if self.neuron_left {
            [&self.neuron, &self.random]
        } else {
            [&self.random, &self.neuron]
        }
    }
}

impl Quiz {
    pub fn new(base: Recipe, layers: Vec<String>, rounds: usize) -> Self {
        Self(Design::new(base, layers, rounds))
    }

    /// Student `student`'s rounds (`student`: their result code's nonce), in order. Layers take
    /// turns evenly (shuffled by the seed); a layer's neurons are distinct until its channels run
    /// out; random directions and sides come from the seed.
    pub fn rounds(&self, student: &str) -> Vec<Round> {
        let mut choices = Choices::new(self.item_seed(student), ROUND_STREAM);
        let mut layers: Vec<&String> = self.layers.iter().cycle().take(self.rounds).collect();
        choices.shuffle(&mut layers);
        let mut fresh = FreshChannels::default();
        layers
            .into_iter()
            .map(|layer| {
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
                let random = Recipe {
                    channel,
                    seed: choices.seed(),
                    mix: 1.0,
                    ..base
                };
                Round {
                    layer: layer.clone(),
                    neuron,
                    random,
                    neuron_left: choices.coin(),
                }
            })
            .collect()
    }

    /// A short fingerprint of the quiz, written into every result code so the tally can refuse
    /// codes from another quiz: FNV-1a of the link's code, 30 bits as 6 base-32 characters.
    pub fn id(&self) -> String {
        fingerprint(&self.encode())
    }

    /// Parses and validates a quiz link's code. Never panics.
    pub fn decode(text: &str) -> Result<Self, RecipeError> {
        let design = Design::decode(text)?;
        if design.control_rounds != ControlRounds::None {
            return Err(RecipeError::NoControlRounds);
        }
        if design.arms != crate::Arms::Two {
            return Err(RecipeError::NoThirdArm);
        }
        Ok(Self(design))
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
