//! From a `Recipe` (the permalink's values) to the engine's own types. The recipe crate pins what
//! a link means; this module is the one place that turns it into an optimization.

use basis_recipe::{Recipe, RecipeError};

use crate::direction;
use crate::objective::{Objective, Positions};
use crate::param::{ImageSettings, Parametrization};
use crate::transforms::TransformSettings;

impl From<basis_recipe::Parametrization> for Parametrization {
    fn from(p: basis_recipe::Parametrization) -> Self {
        match p {
            basis_recipe::Parametrization::Fft { decay_power } => Self::Fft { decay_power },
            basis_recipe::Parametrization::Pixel => Self::Pixel,
        }
    }
}

impl From<basis_recipe::ImageSettings> for ImageSettings {
    fn from(image: basis_recipe::ImageSettings) -> Self {
        Self {
            size: image.size,
            parametrization: image.parametrization.into(),
            init_sd: image.init_sd,
        }
    }
}

impl From<basis_recipe::TransformSettings> for TransformSettings {
    fn from(t: basis_recipe::TransformSettings) -> Self {
        Self {
            pad: t.pad,
            jitter: t.jitter,
            scale_min: t.scale_min,
            scale_max: t.scale_max,
            rotate_max_degrees: t.rotate_max_degrees,
            final_jitter: t.final_jitter,
        }
    }
}

impl Objective {
    /// What a recipe optimizes. A pure basis direction is read straight from its channel
    /// (identical to the projection, as a test shows, and cheaper).
    pub fn for_recipe(recipe: &Recipe) -> Result<Self, RecipeError> {
        recipe.validate()?;
        let tap = recipe.tap()?;
        let channel = recipe.channel as usize;
        let mut objective = if recipe.mix == 0.0 && recipe.cos_power == 0.0 {
            if recipe.centre {
                Objective::neuron(tap, channel)
            } else {
                Objective::channel(tap, channel)
            }
        } else {
            let values = direction::mix(tap.channels(), channel, recipe.seed, recipe.mix as f64);
            let mut objective = Objective::direction(
                tap,
                values.iter().map(|&v| v as f32).collect(),
                recipe.cos_power,
            );
            if recipe.centre {
                objective.positions = Positions::Centre;
            }
            objective
        };
        objective.negative = recipe.negative;
        Ok(objective)
    }
}
