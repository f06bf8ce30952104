//! A same-block contrast (`#contrast=…`): a sheet of neurons and random directions at one of a
//! block's hidden ReLU6 taps (`blockN.expand` or `blockN.dw`) beside the same sheet at the
//! block's linear output (`blockN`), so a class sees both answers at once. The link is the hidden
//! tap's sheet; the output's sheet follows from it.

use basis_models::{Point, Site};

use crate::{Neurons, RecipeError, Sheet};

#[derive(Debug, Clone, PartialEq)]
pub struct Contrast {
    hidden: Sheet,
}

impl Contrast {
    /// The contrast of `hidden`'s block; its layer must be a block's expansion or depthwise tap.
    pub fn new(hidden: Sheet) -> Result<Self, RecipeError> {
        hidden.validate()?;
        match hidden.base.tap()?.site() {
            Site::Block {
                point: Point::Expand | Point::Depthwise,
                ..
            } => Ok(Self { hidden }),
            _ => Err(RecipeError::NotHidden(hidden.base.layer.clone())),
        }
    }

    /// The sheet at the block's hidden ReLU6 tap.
    pub fn hidden(&self) -> &Sheet {
        &self.hidden
    }

    /// The same sheet at the block's linear output: the same seed, settings and counts. Neurons
    /// listed for the hidden tap do not exist at the output, so there they are drawn by the seed.
    pub fn output(&self) -> Sheet {
        let mut output = self.hidden.clone();
        let tap = self.hidden.base.tap().expect("validated on construction");
        let block = tap.layer().block().expect("a hidden tap is in a block");
        output.base.layer = format!("block{block}");
        output.neurons = Neurons::Seeded(self.hidden.channels().len());
        output
    }

    pub fn encode(&self) -> String {
        self.hidden.encode()
    }

    /// Parses and validates a contrast link's code. Never panics.
    pub fn decode(text: &str) -> Result<Self, RecipeError> {
        Self::new(Sheet::decode(text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Recipe;

    fn sheet(layer: &str) -> Sheet {
        let mut base = Recipe::new("0123456789abcdef");
        base.layer = layer.into();
        Sheet::new(base)
    }

    #[test]
    fn a_hidden_taps_sheet_pairs_with_its_blocks_output() {
        for (hidden, output) in [("block8.dw", "block8"), ("block14.expand", "block14")] {
            let mut hidden_sheet = sheet(hidden);
            hidden_sheet.neurons = Neurons::Listed(vec![400, 3]);
            hidden_sheet.blind = true;
            let contrast = Contrast::new(hidden_sheet.clone()).unwrap();
            let out = contrast.output();
            assert_eq!(out.base.layer, output);
            assert_eq!(out.neurons, Neurons::Seeded(2));
            assert_eq!(
                (out.random, out.blind, out.base.seed),
                (4, true, hidden_sheet.base.seed)
            );
            out.validate().unwrap();
            assert_eq!(Contrast::decode(&contrast.encode()), Ok(contrast));
        }
    }

    #[test]
    fn only_hidden_taps_make_a_contrast() {
        for layer in ["block8", "stem", "head"] {
            assert_eq!(
                Contrast::new(sheet(layer)),
                Err(RecipeError::NotHidden(layer.into()))
            );
        }
        assert_eq!(Contrast::decode(""), Err(RecipeError::Empty));
        let error = RecipeError::NotHidden("block8".into()).to_string();
        assert!(
            error.contains("block8.dw") && error.contains("`block8`"),
            "{error}"
        );
    }
}
