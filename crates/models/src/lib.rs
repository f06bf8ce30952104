//! EfficientNet-Lite0, -Lite1 and -Lite2 as readable burn modules, with named taps so a visualization only computes
//! the layers it needs.

mod catalog;
#[cfg(feature = "network")]
pub mod depthwise;
#[cfg(feature = "network")]
mod efficientnet;
#[cfg(feature = "import")]
pub mod import;
mod network;
#[cfg(feature = "network")]
pub mod relu6;
#[cfg(feature = "network")]
mod weights;

pub use catalog::{Layer, Point, Site, TapId, UnknownLayer};
#[cfg(feature = "network")]
pub use efficientnet::{EfficientNetLite, MbConv, NUM_CLASSES};
pub use network::{Network, UnknownNetwork};
#[cfg(feature = "network")]
pub use weights::{WeightsError, load_weights, weights_hash, weights_id};
