//! The three EfficientNet-Lite networks Basis can read, and the shape of each, derived from its
//! scaling coefficients by the reference builder's rules (Tan & Le, 2019; the TensorFlow
//! `efficientnet_lite_builder`): widths are rounded to multiples of 8 (never below 90% of the
//! scaled width), repeats are `ceil(depth · repeats)`, and the lite variants keep the stem, the
//! head and the first and last stages' repeats fixed so they quantize well.

use std::fmt;
use std::str::FromStr;

/// One EfficientNet-Lite network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Network {
    #[default]
    Lite0,
    Lite1,
    Lite2,
}

/// One MBConv block's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlockSpec {
    pub input: usize,
    pub output: usize,
    pub expansion: usize,
    pub kernel: usize,
    pub stride: usize,
}

impl BlockSpec {
    /// The width of the expansion and the depthwise convolution.
    pub const fn hidden(&self) -> usize {
        self.input * self.expansion
    }
}

/// A stage of the baseline (B0) network: `repeats` blocks of one kind, the first of which changes
/// the width and the stride.
struct Stage {
    repeats: usize,
    kernel: usize,
    stride: usize,
    expansion: usize,
    output: usize,
}

const fn stage(
    repeats: usize,
    kernel: usize,
    stride: usize,
    expansion: usize,
    output: usize,
) -> Stage {
    Stage {
        repeats,
        kernel,
        stride,
        expansion,
        output,
    }
}

/// The baseline's stages (`r1_k3_s11_e1_i32_o16` … `r1_k3_s11_e6_i192_o320`).
const STAGES: [Stage; 7] = [
    stage(1, 3, 1, 1, 16),
    stage(2, 3, 2, 6, 24),
    stage(2, 5, 2, 6, 40),
    stage(3, 3, 2, 6, 80),
    stage(3, 5, 1, 6, 112),
    stage(4, 5, 2, 6, 192),
    stage(1, 3, 1, 6, 320),
];

/// The stem's output channels and stride, the same in every lite network.
pub(crate) const STEM_CHANNELS: usize = 32;
pub(crate) const STEM_STRIDE: usize = 2;
pub(crate) const STEM_KERNEL: usize = 3;
/// The head's output channels, the same in every lite network.
pub(crate) const HEAD_CHANNELS: usize = 1280;
const WIDTH_DIVISOR: usize = 8;

/// Name of a network for a user who does not know it: "lite0", "lite1", "lite2", or the full id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown network `{0}` (known: efficientnet-lite0, efficientnet-lite1, efficientnet-lite2, or lite0, lite1, lite2)"
)]
pub struct UnknownNetwork(pub String);

impl Network {
    pub const ALL: [Network; 3] = [Network::Lite0, Network::Lite1, Network::Lite2];

    /// The name recipes, weights files and manifests use.
    pub fn id(self) -> &'static str {
        match self {
            Network::Lite0 => "efficientnet-lite0",
            Network::Lite1 => "efficientnet-lite1",
            Network::Lite2 => "efficientnet-lite2",
        }
    }

    /// A network from its id or its short name ("lite1").
    pub fn from_id(name: &str) -> Result<Self, UnknownNetwork> {
        Self::ALL
            .into_iter()
            .find(|network| network.id() == name || network.short_name() == name)
            .ok_or_else(|| UnknownNetwork(name.to_owned()))
    }

    /// "Lite0", "Lite1", "Lite2": how a page shows it.
    pub fn label(self) -> &'static str {
        match self {
            Network::Lite0 => "EfficientNet-Lite0",
            Network::Lite1 => "EfficientNet-Lite1",
            Network::Lite2 => "EfficientNet-Lite2",
        }
    }

    fn short_name(self) -> &'static str {
        &self.id()["efficientnet-".len()..]
    }

    /// (width, depth) coefficients of the reference builder.
    fn coefficients(self) -> (f64, f64) {
        match self {
            Network::Lite0 => (1.0, 1.0),
            Network::Lite1 => (1.0, 1.1),
            Network::Lite2 => (1.1, 1.2),
        }
    }

    /// The resolution the classifier was trained at.
    pub fn input_size(self) -> usize {
        match self {
            Network::Lite0 => 224,
            Network::Lite1 => 240,
            Network::Lite2 => 260,
        }
    }

    /// Every MBConv block's shape, in forward order.
    pub(crate) fn blocks(self) -> Vec<BlockSpec> {
        let (width, depth) = self.coefficients();
        let last = STAGES.len() - 1;
        let mut input = STEM_CHANNELS;
        let mut blocks = Vec::new();
        for (i, stage) in STAGES.iter().enumerate() {
            let output = round_filters(stage.output, width);
            let repeats = if i == 0 || i == last {
                stage.repeats
            } else {
                (depth * stage.repeats as f64).ceil() as usize
            };
            for repeat in 0..repeats {
                blocks.push(BlockSpec {
                    input,
                    output,
                    expansion: stage.expansion,
                    kernel: stage.kernel,
                    stride: if repeat == 0 { stage.stride } else { 1 },
                });
                input = output;
            }
        }
        blocks
    }
}

/// The reference builder's `round_filters`: `filters · width` to a multiple of 8, not below 90%
/// of it.
fn round_filters(filters: usize, width: f64) -> usize {
    let scaled = filters as f64 * width;
    let half = WIDTH_DIVISOR as f64 / 2.0;
    let rounded = ((scaled + half) as usize / WIDTH_DIVISOR * WIDTH_DIVISOR).max(WIDTH_DIVISOR);
    if (rounded as f64) < 0.9 * scaled {
        rounded + WIDTH_DIVISOR
    } else {
        rounded
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Network {
    type Err = UnknownNetwork;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::from_id(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trainable parameters of the network with BatchNorm unfolded (each convolution without a
    /// bias, each BatchNorm with a scale and a shift), as PyTorch counts them in the PyPI
    /// checkpoints: 4,652,008, 5,416,680 and 6,092,072.
    fn trainable_parameters(network: Network) -> usize {
        let bn = |channels: usize| 2 * channels;
        let blocks = network.blocks();
        let stem = 3 * STEM_CHANNELS * STEM_KERNEL * STEM_KERNEL + bn(STEM_CHANNELS);
        let body: usize = blocks
            .iter()
            .map(|b| {
                let expand = if b.expansion == 1 {
                    0
                } else {
                    b.input * b.hidden() + bn(b.hidden())
                };
                expand
                    + b.hidden() * b.kernel * b.kernel
                    + bn(b.hidden())
                    + b.hidden() * b.output
                    + bn(b.output)
            })
            .sum();
        let head_input = blocks.last().unwrap().output;
        let head = head_input * HEAD_CHANNELS + bn(HEAD_CHANNELS);
        let classifier = HEAD_CHANNELS * 1000 + 1000;
        stem + body + head + classifier
    }

    #[test]
    fn derived_networks_have_the_checkpoints_parameter_counts() {
        assert_eq!(trainable_parameters(Network::Lite0), 4_652_008);
        assert_eq!(trainable_parameters(Network::Lite1), 5_416_680);
        assert_eq!(trainable_parameters(Network::Lite2), 6_092_072);
    }

    #[test]
    fn stage_widths_and_repeats_follow_the_builder() {
        let outputs = |network: Network| {
            let mut widths: Vec<(usize, usize)> = Vec::new();
            for block in network.blocks() {
                match widths.last_mut() {
                    Some((width, count)) if *width == block.output => *count += 1,
                    _ => widths.push((block.output, 1)),
                }
            }
            widths
        };
        // Lite0 is the baseline: 1, 2, 2, 3, 3, 4, 1 blocks.
        assert_eq!(
            outputs(Network::Lite0),
            [
                (16, 1),
                (24, 2),
                (40, 2),
                (80, 3),
                (112, 3),
                (192, 4),
                (320, 1)
            ]
        );
        assert_eq!(
            outputs(Network::Lite1),
            [
                (16, 1),
                (24, 3),
                (40, 3),
                (80, 4),
                (112, 4),
                (192, 5),
                (320, 1)
            ]
        );
        // Lite2's width 1.1: 24·1.1 = 26.4 → 24 (≥ 90%), 40·1.1 = 44 → 48, 320·1.1 = 352.
        assert_eq!(
            outputs(Network::Lite2),
            [
                (16, 1),
                (24, 3),
                (48, 3),
                (88, 4),
                (120, 4),
                (208, 5),
                (352, 1)
            ]
        );
    }

    #[test]
    fn names_are_read_in_full_or_short() {
        for network in Network::ALL {
            assert_eq!(Network::from_id(network.id()), Ok(network));
            assert_eq!(network.id().parse::<Network>(), Ok(network));
        }
        assert_eq!(Network::from_id("lite2"), Ok(Network::Lite2));
        assert_eq!(
            Network::from_id("efficientnet-b0"),
            Err(UnknownNetwork("efficientnet-b0".into()))
        );
    }
}
