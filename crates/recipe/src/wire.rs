//! The permalink's bytes, pinned. Each format version has its own structs here, whose field
//! order and types *are* the format (postcard: varints, little-endian floats, length-prefixed
//! strings, enum variants by index). Never edit a version once released: add the next one, make
//! it what `encode` writes, and keep decoding the old ones into [`Recipe`]. Golden links in
//! `tests/golden-links.json` fail the build if a released version changes.

use serde::{Deserialize, Serialize};

use crate::{ImageSettings, Parametrization, Recipe, Start, Toward, TransformSettings};

/// The version `Recipe::encode` writes for a recipe that turns toward a random direction (every
/// recipe of the first release); one that turns toward the network's own is written as version 4.
pub const FORMAT_VERSION: u8 = 1;
/// The newest version any link is written in.
pub const NEWEST_VERSION: u8 = v5::VERSION;

/// Version 1 (the first release).
pub mod v1 {
    use super::*;

    pub const VERSION: u8 = 1;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Recipe {
        /// First, so a decoder can name an unknown version before reading anything else.
        pub version: u8,
        pub model: String,
        pub weights: String,
        pub layer: String,
        pub channel: u32,
        pub seed: u64,
        pub mix: f32,
        pub cos_power: f32,
        pub negative: bool,
        pub centre: bool,
        pub steps: u32,
        pub image: Image,
        pub transforms: Transforms,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    pub struct Image {
        pub size: u32,
        pub parametrization: Parametrization,
        pub init_sd: f32,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    pub enum Parametrization {
        Fft { decay_power: f32 },
        Pixel,
    }

    /// A contact sheet of neurons and random directions (`#sheet=`). `base` holds everything
    /// the tiles share; its channel and mix are not used.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Sheet {
        pub version: u8,
        pub base: Recipe,
        pub neurons: Neurons,
        pub random: u8,
        pub blind: bool,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub enum Neurons {
        Listed(Vec<u32>),
        Seeded { count: u8 },
    }

    /// A "spot the neuron" quiz (`#quiz=`). `base` holds the shared settings and the seed; its
    /// layer, channel and mix are not used.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Quiz {
        pub version: u8,
        pub base: Recipe,
        pub layers: Vec<String>,
        pub rounds: u8,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    pub struct Transforms {
        pub pad: u32,
        pub jitter: u32,
        pub scale_min: f32,
        pub scale_max: f32,
        pub rotate_max_degrees: u32,
        pub final_jitter: u32,
    }
}

/// Version 2: class-test links that say whose items their rounds are. A link whose students all
/// get the same rounds is still written as a version 1 `Quiz` (the bytes, and so the test's id
/// and its result codes, of the link the first release would have made).
pub mod v2 {
    use super::*;

    pub const VERSION: u8 = 2;

    /// A "spot the neuron" or "predict the response" link (the page key says which).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct ClassTest {
        pub version: u8,
        pub base: v1::Recipe,
        pub layers: Vec<String>,
        pub rounds: u8,
        pub items: Items,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    pub enum Items {
        Own,
        Shared,
    }
}

/// Version 3: predict-the-response links that add Borowski's and Zimmermann's control rounds. A
/// link without them is still written as version 2 (or 1).
pub mod v3 {
    use super::*;

    pub const VERSION: u8 = 3;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct ClassTest {
        pub version: u8,
        pub base: v1::Recipe,
        pub layers: Vec<String>,
        pub rounds: u8,
        pub items: v2::Items,
        pub controls: Controls,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    pub enum Controls {
        None,
        Borowski,
    }
}

/// Version 4: recipes whose slider turns the neuron toward one of the network's own directions
/// at a linear block output: version 1's fields (its version byte reading 4), then the direction.
/// A recipe that turns toward a random direction is still written as version 1 (the bytes the
/// first release would have made).
pub mod v4 {
    use super::*;

    pub const VERSION: u8 = 4;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Recipe {
        /// `version` is 4.
        pub recipe: v1::Recipe,
        pub toward: Toward,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    pub enum Toward {
        Read(u32),
        Write(u32),
    }
}

/// Version 5: recipes that start from a photo (feature accentuation) or turn toward a direction
/// learned from the shipped photos: version 1's fields (its version byte reading 5), what the
/// slider turns toward, then the start. Any other recipe is still written as version 4 (or 1).
pub mod v5 {
    use super::*;

    pub const VERSION: u8 = 5;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Recipe {
        /// `version` is 5.
        pub recipe: v1::Recipe,
        pub toward: Toward,
        pub start: Start,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    pub enum Toward {
        Random,
        Read(u32),
        Write(u32),
        /// An ICA direction learned from the shipped photos.
        Learned(u32),
        /// One learned from the pool's reference half of them.
        LearnedHalf(u32),
    }

    /// A sheet with directions learned from the shipped photos (`#sheet=`): version 1's sheet
    /// with the learned tiles' count before `blind`. Without them a sheet is still version 1.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Sheet {
        pub version: u8,
        /// Version 1's recipe (its version byte 1): the tiles' shared settings.
        pub base: v1::Recipe,
        pub neurons: v1::Neurons,
        pub random: u8,
        pub learned: u8,
        pub blind: bool,
    }

    /// A predict-the-response link with a third arm (directions learned from the shipped
    /// photos): version 3's fields, then the arms. A two-arm test keeps version 1, 2 or 3.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct ClassTest {
        pub version: u8,
        pub base: v1::Recipe,
        pub layers: Vec<String>,
        pub rounds: u8,
        pub items: v2::Items,
        pub controls: v3::Controls,
        pub arms: Arms,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    pub enum Arms {
        Three,
        /// Learned directions from the pool's reference half, queries from the other.
        ThreeHeldOut,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub enum Start {
        /// A photo of the shipped pool, by file name.
        Pool { photo: String, penalty: f32 },
        /// The user's own photo, which the link does not carry.
        Own { penalty: f32 },
        /// Lucid's noise (a recipe written as version 5 for its learned direction).
        Noise,
    }
}

impl From<v5::Recipe> for Recipe {
    fn from(w: v5::Recipe) -> Self {
        let toward = match w.toward {
            v5::Toward::Random => Toward::Random,
            v5::Toward::Read(unit) => Toward::Read(unit),
            v5::Toward::Write(unit) => Toward::Write(unit),
            v5::Toward::Learned(k) => Toward::Learned(k),
            v5::Toward::LearnedHalf(k) => Toward::LearnedHalf(k),
        };
        let start = match w.start {
            v5::Start::Pool { photo, penalty } => Start::Pool { photo, penalty },
            v5::Start::Own { penalty } => Start::Own { penalty },
            v5::Start::Noise => Start::Noise,
        };
        Recipe {
            toward,
            start,
            ..w.recipe.into()
        }
    }
}

/// The version 5 bytes of a recipe that starts from a photo or turns toward a learned direction;
/// `None` for any other, which version 4 or 1 writes.
pub(crate) fn v5_of(r: &Recipe) -> Option<v5::Recipe> {
    let start = match &r.start {
        Start::Noise if r.toward.learned().is_none() => return None,
        Start::Noise => v5::Start::Noise,
        Start::Pool { photo, penalty } => v5::Start::Pool {
            photo: photo.clone(),
            penalty: *penalty,
        },
        Start::Own { penalty } => v5::Start::Own { penalty: *penalty },
    };
    let toward = match r.toward {
        Toward::Random => v5::Toward::Random,
        Toward::Read(unit) => v5::Toward::Read(unit),
        Toward::Write(unit) => v5::Toward::Write(unit),
        Toward::Learned(k) => v5::Toward::Learned(k),
        Toward::LearnedHalf(k) => v5::Toward::LearnedHalf(k),
    };
    Some(v5::Recipe {
        recipe: v1::Recipe {
            version: v5::VERSION,
            ..v1::Recipe::from(r)
        },
        toward,
        start,
    })
}

impl From<v4::Recipe> for Recipe {
    fn from(w: v4::Recipe) -> Self {
        let toward = match w.toward {
            v4::Toward::Read(unit) => Toward::Read(unit),
            v4::Toward::Write(unit) => Toward::Write(unit),
        };
        Recipe {
            toward,
            ..w.recipe.into()
        }
    }
}

/// The version 4 bytes of a recipe that turns toward the network's own direction; `None` for one
/// that turns toward a random direction, which version 1 writes.
pub(crate) fn v4_of(r: &Recipe) -> Option<v4::Recipe> {
    let toward = match r.toward {
        Toward::Random | Toward::Learned(_) | Toward::LearnedHalf(_) => return None,
        Toward::Read(unit) => v4::Toward::Read(unit),
        Toward::Write(unit) => v4::Toward::Write(unit),
    };
    Some(v4::Recipe {
        recipe: v1::Recipe {
            version: v4::VERSION,
            ..v1::Recipe::from(r)
        },
        toward,
    })
}

impl From<v1::Recipe> for Recipe {
    fn from(w: v1::Recipe) -> Self {
        Recipe {
            model: w.model,
            weights: w.weights,
            layer: w.layer,
            channel: w.channel,
            seed: w.seed,
            mix: w.mix,
            toward: Toward::Random,
            start: Start::Noise,
            cos_power: w.cos_power,
            negative: w.negative,
            centre: w.centre,
            steps: w.steps,
            image: ImageSettings {
                size: w.image.size as usize,
                parametrization: match w.image.parametrization {
                    v1::Parametrization::Fft { decay_power } => {
                        Parametrization::Fft { decay_power }
                    }
                    v1::Parametrization::Pixel => Parametrization::Pixel,
                },
                init_sd: w.image.init_sd,
            },
            transforms: TransformSettings {
                pad: w.transforms.pad as usize,
                jitter: w.transforms.jitter as usize,
                scale_min: w.transforms.scale_min,
                scale_max: w.transforms.scale_max,
                rotate_max_degrees: w.transforms.rotate_max_degrees,
                final_jitter: w.transforms.final_jitter as usize,
            },
        }
    }
}

/// Only valid recipes are encoded, and validation keeps every size far below `u32::MAX`.
fn narrow(value: usize) -> u32 {
    u32::try_from(value).expect("a validated recipe's sizes fit in u32")
}

impl From<&Recipe> for v1::Recipe {
    fn from(r: &Recipe) -> Self {
        v1::Recipe {
            version: v1::VERSION,
            model: r.model.clone(),
            weights: r.weights.clone(),
            layer: r.layer.clone(),
            channel: r.channel,
            seed: r.seed,
            mix: r.mix,
            cos_power: r.cos_power,
            negative: r.negative,
            centre: r.centre,
            steps: r.steps,
            image: v1::Image {
                size: narrow(r.image.size),
                parametrization: match r.image.parametrization {
                    Parametrization::Fft { decay_power } => {
                        v1::Parametrization::Fft { decay_power }
                    }
                    Parametrization::Pixel => v1::Parametrization::Pixel,
                },
                init_sd: r.image.init_sd,
            },
            transforms: v1::Transforms {
                pad: narrow(r.transforms.pad),
                jitter: narrow(r.transforms.jitter),
                scale_min: r.transforms.scale_min,
                scale_max: r.transforms.scale_max,
                rotate_max_degrees: r.transforms.rotate_max_degrees,
                final_jitter: narrow(r.transforms.final_jitter),
            },
        }
    }
}
