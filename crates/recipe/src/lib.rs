//! The Recipe: everything that determines an image, as one value. It is the CLI's input, the
//! app's state and — encoded as a short URL-safe string — the permalink. The string's layout is
//! pinned in [`wire`], versioned, and independent of these types' in-memory layout; the engine
//! (`basis-featvis`) optimizes with [`ImageSettings`] and [`TransformSettings`] as they are, so
//! their defaults live here only.

pub mod arm_effect;
mod code;
mod codec;
mod contrast;
mod design;
mod error;
mod fingerprint;
mod grading;
mod link;
mod predict;
mod preset;
mod quiz;
mod seeded;
mod sheet;
mod start;
pub mod stats;
mod toward;
mod validate;
pub mod wire;

use basis_models::{Network, TapId};

pub use code::{Answer, CodeError, ResultCode};
pub use codec::MAX_ENCODED_LENGTH;
pub use contrast::Contrast;
pub use design::{Arms, ControlRounds, DEFAULT_ROUNDS, Design, Items, MAX_LAYERS, MAX_ROUNDS};
pub use error::RecipeError;
pub use grading::{
    AboveChance, ArmPair, CONFIDENCE_LEVELS, ClassResult, ClassTest, Counted, Foils, Graded, Key,
    PartScore, Score, Tally, foil_label,
};
pub use link::{CONTROLS, Link, MAX_FRAGMENT_LENGTH, Page};
pub use predict::{
    Arm, CONTROL_ROUNDS, Condition, LEARNED_ITEMS, Predict, QUERY_RANKS, REFERENCES, Trial,
    reference_seeds,
};
pub use preset::Preset;
pub use quiz::{FOILS, Quiz, Round};
pub use sheet::{MAX_PER_KIND, Neurons, Sheet, SheetTile, TileKind};
pub use start::{DEFAULT_PENALTY, MAX_PENALTY, Start};
pub use toward::{LEARNED_DIRECTIONS, LearnedFrom, Toward};
pub use validate::{MAX_BATCH, MAX_NETWORK_INPUT};
pub use wire::FORMAT_VERSION;

#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    /// The network's id (`basis_models::Network::id`); links of the first release name
    /// efficientnet-lite0.
    pub model: String,
    /// `basis_models::weights_hash` of the weights the image was made with.
    pub weights: String,
    pub layer: String,
    pub channel: u32,
    /// Draws the random direction, the starting noise and the transforms.
    pub seed: u64,
    /// 0 = the neuron's own direction, 1 = the direction it turns toward; slerp in between.
    pub mix: f32,
    /// What the neuron turns toward: the seed's random direction, or one of the network's own.
    pub toward: Toward,
    /// Noise, or a photo to accentuate the direction in.
    pub start: Start,
    pub cos_power: f32,
    pub negative: bool,
    /// Read the direction at the centre position only (a "neuron" objective) instead of the
    /// mean over all positions (a "channel" objective).
    pub centre: bool,
    pub steps: u32,
    pub image: ImageSettings,
    pub transforms: TransformSettings,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Parametrization {
    /// Spectrum scaled by 1 / frequency^decay_power (Lucid's `fft_image`).
    Fft { decay_power: f32 },
    /// Plain pixels (Lucid's `pixel_image`).
    Pixel,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageSettings {
    /// Width and height in pixels.
    pub size: usize,
    pub parametrization: Parametrization,
    /// Standard deviation of the initial Gaussian parameters.
    pub init_sd: f32,
}

/// Lucid's `transform.standard_transforms`, with its numbers as fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransformSettings {
    /// Border added on each side before anything moves, filled with grey.
    pub pad: usize,
    /// First random crop: up to this many pixels off in x and y.
    pub jitter: usize,
    /// Scale factors are drawn from 11 evenly spaced values in [scale_min, scale_max].
    pub scale_min: f32,
    pub scale_max: f32,
    /// Rotation in whole degrees from −max…max, with max/2 extra chances of 0°, as Lucid's list.
    pub rotate_max_degrees: u32,
    /// Second random crop, after scaling and rotating.
    pub final_jitter: usize,
}

impl Default for ImageSettings {
    fn default() -> Self {
        Self {
            size: 128,
            parametrization: Parametrization::Fft { decay_power: 1.0 },
            init_sd: 0.01,
        }
    }
}

impl Default for TransformSettings {
    fn default() -> Self {
        Self {
            pad: 12,
            jitter: 8,
            scale_min: 0.9,
            scale_max: 1.1,
            rotate_max_degrees: 10,
            final_jitter: 4,
        }
    }
}

impl Recipe {
    /// Lucid's defaults on a mid-depth layer of EfficientNet-Lite0, for the given weights.
    pub fn new(weights: impl Into<String>) -> Self {
        Self::for_network(Network::Lite0, weights)
    }

    /// Lucid's defaults on a mid-depth layer of `network`, for the given weights.
    pub fn for_network(network: Network, weights: impl Into<String>) -> Self {
        Self {
            model: network.id().to_owned(),
            weights: weights.into(),
            layer: "block8".to_owned(),
            channel: 10,
            seed: 0,
            mix: 0.0,
            toward: Toward::Random,
            start: Start::Noise,
            cos_power: 0.0,
            negative: false,
            centre: false,
            steps: 256,
            image: ImageSettings::default(),
            transforms: TransformSettings::default(),
        }
    }

    /// The same settings on `network`'s `weights`: the layer where that network has it (else the
    /// default layer), the channel where the layer is that wide (else its last).
    pub fn on_network(&self, network: Network, weights: impl Into<String>) -> Self {
        let defaults = Self::for_network(network, weights);
        let tap = network
            .tap(&self.layer)
            .or_else(|_| defaults.tap())
            .expect("the default layer is in every network");
        // A unit of the network's own directions is kept where the new network has it, else the
        // slider turns toward the random direction.
        let toward = if self.toward.validate(tap).is_ok() {
            self.toward
        } else {
            Toward::Random
        };
        Self {
            model: defaults.model,
            weights: defaults.weights,
            layer: tap.name().to_owned(),
            channel: self.channel.min(tap.channels() as u32 - 1),
            toward,
            ..self.clone()
        }
    }

    /// The network the recipe names.
    pub fn network(&self) -> Result<Network, RecipeError> {
        Network::from_id(&self.model).map_err(|_| RecipeError::UnknownModel(self.model.clone()))
    }

    /// The recipe's layer in its network.
    pub fn tap(&self) -> Result<TapId, RecipeError> {
        self.network()?
            .tap(&self.layer)
            .map_err(RecipeError::UnknownLayer)
    }
}
