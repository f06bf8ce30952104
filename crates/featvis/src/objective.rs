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

    /// The direction as a vector (a neuron's is one-hot) and its cosine power.
    fn vector(&self, channels: usize) -> (Vec<f32>, f32) {
        match &self.direction {
            Direction::Basis(channel) => {
                let mut e = vec![0.0; channels];
                e[*channel] = 1.0;
                (e, 0.0)
            }
            Direction::Vector { values, cos_power } => (values.clone(), *cos_power),
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
                projection(activations, d, *cos_power)
            }
        };
        let value = per_position.mean();
        if self.negative { value.neg() } else { value }
    }
}

/// `dot(a, d) · cos(a, d)^cos_power` at every position of `[b, channels, h, w]`, `d` being
/// `[b or 1, channels, 1, 1]`: `[b, 1, h, w]`.
fn projection(activations: Tensor<4>, d: Tensor<4>, cos_power: f32) -> Tensor<4> {
    let dot = (activations.clone() * d).sum_dim(1);
    if cos_power == 0.0 {
        return dot;
    }
    let magnitude = activations.square().sum_dim(1).sqrt();
    let cosine = (dot.clone() / (magnitude + MAGNITUDE_EPSILON)).clamp_min(MIN_COSINE);
    dot * cosine.powf_scalar(cos_power)
}

/// Each image's own objective for activations `[b, channels, h, w]`: `[b]`. All objectives read
/// the same tap. A batch of one is exactly [`Objective::value`]; a batch whose objectives share
/// how they read (positions, cosine power, sign) is one projection on a `[b, channels]` matrix of
/// directions, whatever mix of neurons and vectors it holds.
pub fn batch_values(objectives: &[Objective], activations: Tensor<4>) -> Tensor<1> {
    let [batch, channels, _, _] = activations.dims();
    assert_eq!(objectives.len(), batch, "one objective per image");
    if let [objective] = objectives {
        return objective.value(activations);
    }
    let first = &objectives[0];
    let cos_power = first.vector(channels).1;
    let shared = objectives.iter().all(|o| {
        o.positions == first.positions
            && o.negative == first.negative
            && o.vector(channels).1 == cos_power
    });
    if !shared {
        let values = objectives
            .iter()
            .enumerate()
            .map(|(b, o)| o.value(activations.clone().narrow(0, b, 1)))
            .collect();
        return Tensor::cat(values, 0);
    }
    let activations = match first.positions {
        Positions::All => activations,
        Positions::Centre => {
            let [_, _, h, w] = activations.dims();
            activations.narrow(2, h / 2, 1).narrow(3, w / 2, 1)
        }
    };
    let directions: Vec<f32> = objectives
        .iter()
        .flat_map(|o| o.vector(channels).0)
        .collect();
    let d = Tensor::<4>::from_data(
        TensorData::new(directions, [batch, channels, 1, 1]),
        &activations.device(),
    );
    let values = projection(activations, d, cos_power)
        .mean_dim(3)
        .mean_dim(2)
        .reshape([batch]);
    if first.negative { values.neg() } else { values }
}
