//! What a class-test link fixes, whichever test it is ("spot the neuron" or "predict the
//! response"): the base recipe (seed, image and transform settings, steps, weights), the layers
//! and the number of rounds. Both tests' links carry these same bytes (`wire::v1::Quiz`); the
//! link's key says which test it is. `Quiz` and `Predict` are a `Design` and what they draw
//! from it.

use crate::codec::{base_recipe, decode_v1, encode_bytes};
use crate::validate::within;
use crate::wire::v1;
use crate::{Recipe, RecipeError};

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
}

impl Design {
    /// The base recipe is kept canonical: the first layer, channel 0, mix 0 (each round sets its
    /// own).
    pub fn new(mut base: Recipe, layers: Vec<String>, rounds: usize) -> Self {
        base.layer = layers.first().cloned().unwrap_or(base.layer);
        base.channel = 0;
        base.mix = 0.0;
        Self {
            base,
            layers,
            rounds,
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

    /// The bytes of the test's link.
    pub fn encode(&self) -> String {
        encode_bytes(&v1::Quiz {
            version: v1::VERSION,
            base: v1::Recipe::from(&self.base),
            layers: self.layers.clone(),
            rounds: u8::try_from(self.rounds).expect("a validated test has at most 40 rounds"),
        })
    }

    /// Parses and validates a test link's code. Never panics.
    pub fn decode(text: &str) -> Result<Self, RecipeError> {
        let wire: v1::Quiz = decode_v1(text)?;
        let design = Self {
            base: base_recipe(wire.base)?,
            layers: wire.layers,
            rounds: wire.rounds as usize,
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
