//! The Recipe: everything that determines an image, as one value. It is the CLI's input, the
//! app's state and — encoded as a short URL-safe string — the permalink.

mod codec;

mod error;
mod link;
mod validate;

use basis_featvis::{ImageSettings, Objective, Parametrization, TransformSettings, direction};
use basis_models::{MODEL_ID, TapId};
use serde::{Deserialize, Serialize};

pub use codec::MAX_ENCODED_LENGTH;
pub use error::RecipeError;
pub use link::{CONTROLS, Link, MAX_FRAGMENT_LENGTH};

/// Bumped whenever the meaning or layout of a field changes; old links then fail loudly.
pub const FORMAT_VERSION: u8 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    /// First, so a decoder can name an unknown version before reading anything else.
    pub version: u8,
    pub model: String,
    /// [`basis_models::weights_hash`] of the weights the image was made with.
    pub weights: String,
    pub layer: String,
    pub channel: u32,
    /// Draws the random direction, the starting noise and the transforms.
    pub seed: u64,
    /// 0 = the neuron's own direction, 1 = the seed's random direction; slerp in between.
    pub mix: f32,
    pub cos_power: f32,
    pub negative: bool,
    /// Read the direction at the centre position only (a "neuron" objective) instead of the
    /// mean over all positions (a "channel" objective).
    pub centre: bool,
    pub steps: u32,
    pub image: ImageSettings,
    pub transforms: TransformSettings,
}

impl Recipe {
    /// Lucid's defaults on a mid-depth layer, for the given weights.
    pub fn new(weights: impl Into<String>) -> Self {
        Self {
            version: FORMAT_VERSION,
            model: MODEL_ID.to_owned(),
            weights: weights.into(),
            layer: "block8".to_owned(),
            channel: 10,
            seed: 0,
            mix: 0.0,
            cos_power: 0.0,
            negative: false,
            centre: false,
            steps: 256,
            image: ImageSettings {
                size: 128,
                parametrization: Parametrization::Fft { decay_power: 1.0 },
                init_sd: 0.01,
            },
            transforms: TransformSettings::default(),
        }
    }

    pub fn tap(&self) -> Result<TapId, RecipeError> {
        TapId::from_name(&self.layer).map_err(|_| RecipeError::UnknownLayer(self.layer.clone()))
    }

    /// What to optimize. A pure basis direction is read straight from its channel (identical to
    /// the projection, as a test shows, and cheaper).
    pub fn objective(&self) -> Result<Objective, RecipeError> {
        self.validate()?;
        let tap = self.tap()?;
        let channel = self.channel as usize;
        let mut objective = if self.mix == 0.0 && self.cos_power == 0.0 {
            if self.centre {
                Objective::neuron(tap, channel)
            } else {
                Objective::channel(tap, channel)
            }
        } else {
            let values = direction::mix(tap.channels(), channel, self.seed, self.mix as f64);
            let mut objective = Objective::direction(
                tap,
                values.iter().map(|&v| v as f32).collect(),
                self.cos_power,
            );
            if self.centre {
                objective.positions = basis_featvis::Positions::Centre;
            }
            objective
        };
        objective.negative = self.negative;
        Ok(objective)
    }
}
