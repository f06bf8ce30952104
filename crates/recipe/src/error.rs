use thiserror::Error;

/// Why a recipe (or permalink) was refused. Each variant names the field at fault.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RecipeError {
    #[error("the link's code is empty")]
    Empty,
    #[error("the link's code is {length} characters long; at most {max} are allowed")]
    TooLong { length: usize, max: usize },
    #[error("the link's code has a character outside A–Z, a–z, 0–9, '-' and '_'")]
    NotBase64,
    #[error("the link's code is cut short")]
    Truncated,
    #[error("the link's code has {0} bytes after its end")]
    TrailingBytes(usize),
    #[error("the link's code does not decode: {0}")]
    Garbage(String),
    #[error("version: {0} is not a link version this build knows (it reads versions 1 to {known})", known = crate::wire::NEWEST_VERSION)]
    UnknownVersion(u8),
    #[error("preset: `{0}` is unknown (known: quick, classroom, faithful)")]
    UnknownPreset(String),
    #[error(
        "model: `{0}` is unknown (this build has efficientnet-lite0, efficientnet-lite1, efficientnet-lite2)"
    )]
    UnknownModel(String),
    #[error("weights: `{0}` is not a weights hash (16 lowercase hex digits)")]
    BadWeightsHash(String),
    #[error("weights: the recipe was made with weights {recipe}, but these weights are {loaded}")]
    WeightsMismatch { recipe: String, loaded: String },
    #[error("layer: {0}")]
    UnknownLayer(basis_models::UnknownLayer),
    #[error(
        "layer: a contrast puts a block's hidden ReLU6 tap (e.g. block8.dw or block8.expand) beside its output; `{0}` is not one"
    )]
    NotHidden(String),
    #[error("channel: {channel} is out of range; layer {layer} has channels 0..{channels}")]
    ChannelOutOfRange {
        layer: String,
        channel: u32,
        channels: usize,
    },
    #[error("toward: `{0}` is not random, read:UNIT, write:UNIT, learned:K or learned-half:K")]
    UnknownToward(String),
    #[error("toward: {0} is out of range; Basis learns directions 0..32 at each layer")]
    LearnedOutOfRange(String),
    #[error(
        "toward: {toward} needs a linear block output (e.g. block8), where a 1×1 convolution reads and writes; {layer} is not one"
    )]
    TowardNotLinear { toward: String, layer: String },
    #[error("toward: {toward} is out of range; {owner} has units 0..{units}")]
    TowardUnitOutOfRange {
        toward: String,
        owner: String,
        units: usize,
    },
    #[error("start: `{0}` is not noise, photo:NAME or own (each may end in @PENALTY)")]
    UnknownStart(String),
    #[error(
        "start: `{0}` is not a photo of the pool; a pool photo is named by its file name (letters, digits, '-', '_', '.'; .png, .jpg or .jpeg; at most 64 characters)"
    )]
    BadPhotoName(String),
    #[error("{field}: the value is not a finite number")]
    NonFinite { field: &'static str },
    #[error(
        "size: {size} px with pad {pad} and scale up to {scale_max} shows the network {input}×{input} px; at most {max}×{max} px fit a browser's GPU and memory"
    )]
    TooCostly {
        size: usize,
        pad: usize,
        scale_max: f32,
        input: usize,
        max: usize,
    },
    #[error(
        "controls: this link asks for control rounds, which only predict-the-response tests have"
    )]
    NoControlRounds,
    #[error(
        "arms: this link asks for a third arm (directions learned from the photos) and control rounds, which do not go together"
    )]
    NoThirdArm,
    #[error(
        "arms: this quiz link asks for learned foils held out from half of the photos, which only predict-the-response tests have (a quiz asks nothing about photos)"
    )]
    HeldOutFoils,
    #[error("{field}: {value} appears twice; each may appear once")]
    Repeated { field: &'static str, value: String },
    #[error("{field}: {value} is out of range ({range})")]
    OutOfRange {
        field: &'static str,
        value: f64,
        range: &'static str,
    },
}

impl RecipeError {
    /// The recipe field at fault, if the error is about one field.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            Self::UnknownVersion(_) => "version",
            Self::UnknownModel(_) => "model",
            Self::BadWeightsHash(_) | Self::WeightsMismatch { .. } => "weights",
            Self::UnknownLayer(_) | Self::NotHidden(_) => "layer",
            Self::ChannelOutOfRange { .. } => "channel",
            Self::UnknownToward(_)
            | Self::LearnedOutOfRange(_)
            | Self::TowardNotLinear { .. }
            | Self::TowardUnitOutOfRange { .. } => "toward",
            Self::UnknownStart(_) | Self::BadPhotoName(_) => "start",
            Self::TooCostly { .. } => "size",
            Self::NoControlRounds => "controls",
            Self::NoThirdArm | Self::HeldOutFoils => "arms",
            Self::NonFinite { field }
            | Self::OutOfRange { field, .. }
            | Self::Repeated { field, .. } => field,
            _ => return None,
        })
    }
}
