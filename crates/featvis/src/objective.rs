//! What the image is optimized to excite: a direction in one layer's activation space, read over
//! every position (channel-style) or at the centre only (neuron-style).

use basis_models::TapId;
use burn::tensor::{Tensor, TensorData};

#[derive(Debug, Clone, PartialEq)]
pub enum Direction {
    /// A single neuron's channel `e_c`: read directly, no projection needed.
    Basis(usize),
    /// A unit vector `d`; the value at a position is `dot(a, d) · cos(a, d)^cos_power`.
    Vector { values: Vec<f32>, cos_power: f32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Positions {
    /// Mean over all spatial positions (Lucid's `channel`).
    All,
    /// The centre position only (Lucid's `neuron`).
    Centre,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub tap: TapId,
    pub direction: Direction,
    pub positions: Positions,
    /// Minimize instead of maximize.
    pub negative: bool,
}

/// Keeps the cosine away from 0 so that any power of it stays finite (as Lucid's
/// `direction_neuron_cossim` does).
const MIN_COSINE: f32 = 0.1;
const MAGNITUDE_EPSILON: f32 = 1e-4;

impl Objective {
    pub fn channel(tap: TapId, channel: usize) -> Self {
        Self {
            tap,
            direction: Direction::Basis(channel),
            positions: Positions::All,
            negative: false,
        }
    }

    pub fn neuron(tap: TapId, channel: usize) -> Self {
        Self {
            tap,
            direction: Direction::Basis(channel),
            positions: Positions::Centre,
            negative: false,
        }
    }

    pub fn direction(tap: TapId, values: Vec<f32>, cos_power: f32) -> Self {
        Self {
            tap,
            direction: Direction::Vector { values, cos_power },
            positions: Positions::All,
            negative: false,
        }
    }

    /// The objective's value for activations `[1, channels, h, w]`, as a one-element tensor.
    pub fn value(&self, activations: Tensor<4>) -> Tensor<1> {
        let activations = match self.positions {
            Positions::All => activations,
            Positions::Centre => {
                let [_, _, h, w] = activations.dims();
                activations.narrow(2, h / 2, 1).narrow(3, w / 2, 1)
            }
        };
        let per_position = match &self.direction {
            Direction::Basis(channel) => activations.narrow(1, *channel, 1),
            Direction::Vector { values, cos_power } => {
                let channels = values.len();
                let d = Tensor::<4>::from_data(
                    TensorData::new(values.clone(), [1, channels, 1, 1]),
                    &activations.device(),
                );
                let dot = (activations.clone() * d).sum_dim(1);
                if *cos_power == 0.0 {
                    dot
                } else {
                    let magnitude = activations.square().sum_dim(1).sqrt();
                    let cosine =
                        (dot.clone() / (magnitude + MAGNITUDE_EPSILON)).clamp_min(MIN_COSINE);
                    dot * cosine.powf_scalar(*cos_power)
                }
            }
        };
        let value = per_position.mean();
        if self.negative { value.neg() } else { value }
    }
}
