//! From a `Recipe` (the permalink's values) to the objective it optimizes. The recipe crate pins
//! what a link means, and its image and transform settings are the engine's own; this module is
//! the one place that turns a recipe into an objective.

use basis_recipe::{Recipe, RecipeError};

use crate::direction;
use crate::objective::{Objective, Positions};

impl Objective {
    /// What a recipe optimizes, given [`direction::target`]'s answer for it. A pure basis
    /// direction is read straight from its channel (identical to the projection, as a test
    /// shows, and cheaper).
    pub fn for_recipe(recipe: &Recipe, target: &[f64]) -> Result<Self, RecipeError> {
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
            let mut objective =
                Objective::direction(tap, direction::of_recipe(recipe, target)?, recipe.cos_power);
            if recipe.centre {
                objective.positions = Positions::Centre;
            }
            objective
        };
        objective.negative = recipe.negative;
        Ok(objective)
    }
}
