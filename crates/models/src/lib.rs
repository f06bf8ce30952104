//! EfficientNet-Lite0 as readable burn modules, with named taps so a visualization only computes
//! the layers it needs.

mod catalog;
#[cfg(feature = "network")]
pub mod depthwise;
#[cfg(feature = "network")]
mod efficientnet;
#[cfg(feature = "import")]
pub mod import;
#[cfg(feature = "network")]
pub mod relu6;
#[cfg(feature = "network")]
mod weights;

pub use catalog::{LAYERS, Layer, MODEL_ID, Point, Site, TapId, UnknownLayer};
#[cfg(feature = "network")]
pub use efficientnet::{EfficientNetLite0, INPUT_SIZE, MbConv, NUM_CLASSES};
#[cfg(feature = "network")]
pub use weights::{WeightsError, load_weights, weights_hash, weights_id};
