//! "Spot the neuron": a quiz link fixes every round — layer, neuron, random direction, which side
//! each is on — so every student who opens it sees the same rounds in the same order. Both images
//! of a round share the objective's form, all settings and the number of steps; only the
//! direction differs (a basis vector or a seeded random unit vector).

use crate::codec::{base_recipe, decode_v1, encode_bytes};
use crate::fingerprint::fingerprint;
use crate::seeded::Choices;
use crate::validate::within;
use crate::wire::v1;
use crate::{Recipe, RecipeError};

pub const DEFAULT_ROUNDS: usize = 10;
pub const MAX_ROUNDS: usize = 40;
pub const MAX_LAYERS: usize = 6;
const ROUND_STREAM: u64 = 21;

#[derive(Debug, Clone, PartialEq)]
pub struct Quiz {
    /// Seed, image and transform settings, steps and weights shared by every image. Its layer,
    /// channel and mix are ignored (kept canonical so that equal quizzes encode alike).
    pub base: Recipe,
    pub layers: Vec<String>,
    pub rounds: usize,
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
        Self {
            base: canonical_base(base, &layers),
            layers,
            rounds,
        }
    }

    pub fn validate(&self) -> Result<(), RecipeError> {
        validate_quiz(&self.base, &self.layers, self.rounds)
    }

    /// The rounds, in order. Layers take turns evenly (shuffled by the seed); a layer's neurons
    /// are distinct until its channels run out; random directions and sides come from the seed.
    pub fn rounds(&self) -> Vec<Round> {
        let mut choices = Choices::new(self.base.seed, ROUND_STREAM);
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

    pub fn encode(&self) -> String {
        encode_quiz(&self.base, &self.layers, self.rounds)
    }

    /// Parses and validates a quiz link's code. Never panics.
    pub fn decode(text: &str) -> Result<Self, RecipeError> {
        let (base, layers, rounds) = decode_quiz(text)?;
        let quiz = Quiz {
            base,
            layers,
            rounds,
        };
        quiz.validate()?;
        Ok(quiz)
    }
}

/// A test's base recipe as its link keeps it: the first layer, channel 0, mix 0 (each round sets
/// its own), so equal tests encode alike.
pub(crate) fn canonical_base(mut base: Recipe, layers: &[String]) -> Recipe {
    base.layer = layers.first().cloned().unwrap_or(base.layer);
    base.channel = 0;
    base.mix = 0.0;
    base
}

/// The bytes of a quiz link, whichever test it is (the link's key says which).
pub(crate) fn encode_quiz(base: &Recipe, layers: &[String], rounds: usize) -> String {
    encode_bytes(&v1::Quiz {
        version: v1::VERSION,
        base: v1::Recipe::from(base),
        layers: layers.to_vec(),
        rounds: u8::try_from(rounds).expect("a validated test has at most 40 rounds"),
    })
}

/// A quiz link's base recipe, layers and rounds, not yet validated.
pub(crate) fn decode_quiz(text: &str) -> Result<(Recipe, Vec<String>, usize), RecipeError> {
    let wire: v1::Quiz = decode_v1(text)?;
    Ok((base_recipe(wire.base)?, wire.layers, wire.rounds as usize))
}

/// What a quiz and a predict-the-response test share: the base recipe is valid, 1–6 distinct
/// layers, 2–40 rounds.
pub(crate) fn validate_quiz(
    base: &Recipe,
    layers: &[String],
    rounds: usize,
) -> Result<(), RecipeError> {
    base.validate()?;
    within(
        "layers",
        layers.len() as f64,
        1.0,
        MAX_LAYERS as f64,
        "1 to 6",
    )?;
    for (i, layer) in layers.iter().enumerate() {
        Recipe {
            layer: layer.clone(),
            ..base.clone()
        }
        .tap()?;
        if layers[..i].contains(layer) {
            return Err(RecipeError::Repeated {
                field: "layers",
                value: layer.clone(),
            });
        }
    }
    within("rounds", rounds as f64, 2.0, MAX_ROUNDS as f64, "2 to 40")
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
