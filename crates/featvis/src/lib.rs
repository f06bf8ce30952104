//! Feature visualization (Olah et al., "Feature Visualization", Distill 2017, and the Lucid
//! library): optimize an image so that a chosen direction in a layer's activation space responds
//! strongly. The same code runs on every burn device.

pub mod accentuate;
pub mod direction;
mod diversity;
pub mod examples;
pub mod fidelity;
pub mod ica;
pub mod learned;
mod objective;
mod param;
pub mod picture_stats;
pub mod pool;
pub mod privileged;
pub mod probe;
pub mod queries;
mod recipe;
pub mod resample;
mod rng;
mod session;
mod transforms;

pub use diversity::{Diversity, LUCID_GROUP, LUCID_WEIGHT, similarity};
pub use objective::{Direction, Objective, Positions};
pub use param::{ImageSettings, Parametrization};
pub use rng::SeededRng;
pub use session::{Frame, REFERENCE_DIVERSITY, Session, SessionError, Tile};
pub use transforms::{Draw, TransformSettings};
