//! EfficientNet-Lite0 as readable burn modules, with named taps so a visualization only computes
//! the layers it needs.

mod catalog;
mod efficientnet;
#[cfg(feature = "import")]
pub mod import;
mod weights;

pub use catalog::{LAYERS, Layer, TapId, UnknownLayer};
pub use efficientnet::{EfficientNetLite0, INPUT_SIZE, NUM_CLASSES};
pub use weights::{MODEL_ID, WeightsError, load_weights, weights_hash};
