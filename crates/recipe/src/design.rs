//! What a class-test link fixes, whichever test it is ("spot the neuron" or "predict the
//! response"): the base recipe (seed, image and transform settings, steps, weights), the layers,
//! the number of rounds, whose items the rounds are, and which control rounds come with them. Both
//! tests' links carry these same bytes (`wire::v3::ClassTest` with control rounds,
//! `wire::v2::ClassTest` without, `wire::v1::Quiz` for shared items without); the link's key says
//! which test it is. `Quiz` and `Predict` are a `Design` and what they draw from it.
//!
//! Own items are the default: a link that gives everyone the same five neurons asks about those
//! five, however many students answer, so a class's verdict would be about them and not about
//! neurons (`arm_effect` explains the statistics). Each student's rounds are drawn from the link's
//! seed and the nonce their result code carries, so the tally can replay them.

use crate::codec::{base_recipe, bytes, encode_bytes, postcard_exact};
use crate::fingerprint::fnv1a;
use crate::validate::within;
use crate::wire::{v1, v2, v3, v5};
use crate::{Recipe, RecipeError, Toward};

pub const DEFAULT_ROUNDS: usize = 10;
pub const MAX_ROUNDS: usize = 40;
pub const MAX_LAYERS: usize = 6;

#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Seed, image and transform settings, steps and weights shared by every image. Its layer,
    /// channel and mix are ignored (kept canonical so that equal tests encode alike).
    pub base: Recipe,
    pub layers: Vec<String>,
    pub rounds: usize,
    pub items: Items,
    pub control_rounds: ControlRounds,
    /// Which kinds of direction the rounds are about (predict-the-response), or the neurons are
    /// shown against (spot the neuron).
    pub arms: Arms,
}

/// The kinds of direction a class test compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Arms {
    /// Neurons and random directions.
    #[default]
    Two,
    /// Neurons, random directions and directions learned from all the shipped photos (ICA): spot
    /// the neuron's learned foils, and predict-the-response links made before held-out ones
    /// (their queries come from the photos the directions were learned from).
    Three,
    /// Predict the response: as [`Arms::Three`], its directions learned from the pool's reference
    /// half ([`crate::LearnedFrom::ReferenceHalf`]) and every arm's queries taken from the other.
    ThreeHeldOut,
}

impl Arms {
    /// Learned directions are one of the arms.
    pub fn has_learned(self) -> bool {
        self != Arms::Two
    }

    /// Learned direction `k` as these arms ask about it: learned on the reference half where
    /// the queries are held out, else on every photo.
    pub fn learned(self, k: u32) -> Toward {
        match self {
            Arms::ThreeHeldOut => Toward::LearnedHalf(k),
            Arms::Two | Arms::Three => Toward::Learned(k),
        }
    }
}

/// Whose items a class test's rounds are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Items {
    /// Each student's own, drawn from the link's seed and the student's nonce.
    #[default]
    Own,
    /// The same rounds in the same order for everyone (for a projector; and every link made
    /// before own items existed).
    Shared,
}

/// Which control rounds a predict-the-response test adds to the rounds its link counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ControlRounds {
    #[default]
    None,
    /// Borowski et al.'s (ICLR 2021) controls: rounds with no references at the start and at the
    /// end (the baseline each arm is read against, as in Zimmermann et al. 2021), catch rounds
    /// whose answer is in plain sight, and half of the counted rounds with photos as references
    /// instead of visualizations (see `predict`).
    Borowski,
}

impl Design {
    /// Each student's own items. The base recipe is kept canonical: the first layer, channel 0,
    /// mix 0 (each round sets its own).
    pub fn new(mut base: Recipe, layers: Vec<String>, rounds: usize) -> Self {
        base.layer = layers.first().cloned().unwrap_or(base.layer);
        base.channel = 0;
        base.mix = 0.0;
        Self {
            base,
            layers,
            rounds,
            items: Items::Own,
            control_rounds: ControlRounds::None,
            arms: Arms::Two,
        }
    }

    /// The seed student `student`'s rounds are drawn from (`student`: the nonce of their result
    /// code): the link's own when everyone shares the items.
    pub fn item_seed(&self, student: &str) -> u64 {
        match self.items {
            Items::Shared => self.base.seed,
            Items::Own => fnv1a(format!("{}:{student}", self.base.seed).as_bytes()),
        }
    }

    /// The base recipe is valid, 1–6 distinct layers, 2–40 rounds.
    pub fn validate(&self) -> Result<(), RecipeError> {
        self.base.validate()?;
        within(
            "layers",
            self.layers.len() as f64,
            1.0,
            MAX_LAYERS as f64,
            "1 to 6",
        )?;
        for (i, layer) in self.layers.iter().enumerate() {
            Recipe {
                layer: layer.clone(),
                ..self.base.clone()
            }
            .tap()?;
            if self.layers[..i].contains(layer) {
                return Err(RecipeError::Repeated {
                    field: "layers",
                    value: layer.clone(),
                });
            }
        }
        within(
            "rounds",
            self.rounds as f64,
            2.0,
            MAX_ROUNDS as f64,
            "2 to 40",
        )
    }

    /// The bytes of the test's link: version 5 with a third arm; else version 3 with control
    /// rounds; without, version 1 for shared items (as the first release wrote them), version 2
    /// for the students' own.
    pub fn encode(&self) -> String {
        let base = v1::Recipe::from(&self.base);
        let layers = self.layers.clone();
        let rounds = u8::try_from(self.rounds).expect("a validated test has at most 40 rounds");
        let items = match self.items {
            Items::Own => v2::Items::Own,
            Items::Shared => v2::Items::Shared,
        };
        let controls = match self.control_rounds {
            ControlRounds::None => v3::Controls::None,
            ControlRounds::Borowski => v3::Controls::Borowski,
        };
        let three = match self.arms {
            Arms::Two => None,
            Arms::Three => Some(v5::Arms::Three),
            Arms::ThreeHeldOut => Some(v5::Arms::ThreeHeldOut),
        };
        if let Some(arms) = three {
            return encode_bytes(&v5::ClassTest {
                version: v5::VERSION,
                base,
                layers,
                rounds,
                items,
                controls,
                arms,
            });
        }
        match (self.control_rounds, self.items) {
            (ControlRounds::Borowski, _) => encode_bytes(&v3::ClassTest {
                version: v3::VERSION,
                base,
                layers,
                rounds,
                items,
                controls: v3::Controls::Borowski,
            }),
            (ControlRounds::None, Items::Shared) => encode_bytes(&v1::Quiz {
                version: v1::VERSION,
                base,
                layers,
                rounds,
            }),
            (ControlRounds::None, Items::Own) => encode_bytes(&v2::ClassTest {
                version: v2::VERSION,
                base,
                layers,
                rounds,
                items,
            }),
        }
    }

    /// Parses and validates a test link's code of any released version. Never panics.
    pub fn decode(text: &str) -> Result<Self, RecipeError> {
        let bytes = bytes(text)?;
        let items = |wire| match wire {
            v2::Items::Own => Items::Own,
            v2::Items::Shared => Items::Shared,
        };
        let controls = |wire| match wire {
            v3::Controls::None => ControlRounds::None,
            v3::Controls::Borowski => ControlRounds::Borowski,
        };
        let (none, two) = (ControlRounds::None, Arms::Two);
        let (base, layers, rounds, items, control_rounds, arms) = match bytes.first() {
            Some(&v1::VERSION) => {
                let w: v1::Quiz = postcard_exact(&bytes)?;
                (w.base, w.layers, w.rounds, Items::Shared, none, two)
            }
            Some(&v2::VERSION) => {
                let w: v2::ClassTest = postcard_exact(&bytes)?;
                (w.base, w.layers, w.rounds, items(w.items), none, two)
            }
            Some(&v3::VERSION) => {
                let w: v3::ClassTest = postcard_exact(&bytes)?;
                let controls = controls(w.controls);
                (w.base, w.layers, w.rounds, items(w.items), controls, two)
            }
            Some(&v5::VERSION) => {
                let w: v5::ClassTest = postcard_exact(&bytes)?;
                let arms = match w.arms {
                    v5::Arms::Three => Arms::Three,
                    v5::Arms::ThreeHeldOut => Arms::ThreeHeldOut,
                };
                let controls = controls(w.controls);
                (w.base, w.layers, w.rounds, items(w.items), controls, arms)
            }
            Some(&version) => return Err(RecipeError::UnknownVersion(version)),
            None => return Err(RecipeError::Truncated),
        };
        let design = Self {
            base: base_recipe(base)?,
            layers,
            rounds: rounds as usize,
            items,
            control_rounds,
            arms,
        };
        design.validate()?;
        Ok(design)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_designs_encode_alike_whatever_the_base_s_own_direction() {
        let mut base = Recipe::new("0123456789abcdef");
        let layers = vec!["block8.dw".to_owned(), "block8".to_owned()];
        let plain = Design::new(base.clone(), layers.clone(), 10);
        (base.layer, base.channel, base.mix) = ("head".into(), 77, 0.5);
        let other = Design::new(base, layers, 10);
        assert_eq!(plain, other);
        assert_eq!(plain.base.layer, "block8.dw");
        assert_eq!(Design::decode(&plain.encode()), Ok(plain));
    }

    #[test]
    fn a_design_names_what_is_wrong_with_it() {
        let base = Recipe::new("0123456789abcdef");
        let repeated = Design::new(base.clone(), vec!["block8".into(), "block8".into()], 10);
        assert!(matches!(
            repeated.validate(),
            Err(RecipeError::Repeated {
                field: "layers",
                ..
            })
        ));
        let one_round = Design::new(base.clone(), vec!["block8".into()], 1);
        assert!(matches!(
            one_round.validate(),
            Err(RecipeError::OutOfRange {
                field: "rounds",
                ..
            })
        ));
        let no_layer = Design::new(base, vec![], 10);
        assert!(matches!(
            no_layer.validate(),
            Err(RecipeError::OutOfRange {
                field: "layers",
                ..
            })
        ));
    }
}
