//! The layers a user can visualize: their names, widths and strides, known without loading weights.

use std::fmt;

/// The network every recipe names.
pub const MODEL_ID: &str = "efficientnet-lite0";

/// One readable point of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layer {
    pub name: &'static str,
    pub channels: usize,
    /// Input pixels per activation position along each axis.
    pub stride: usize,
}

/// Index of a layer in [`LAYERS`]; only constructible for layers that exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TapId(usize);

impl Layer {
    /// What the tap's values come out of: "ReLU6" for the stem and the head; "linear" for the
    /// blocks, which end in a 1×1 projection (plus the residual) with nothing after it, as a
    /// transformer's residual stream does.
    pub fn activation(&self) -> &'static str {
        match self.name {
            "stem" | "head" => "ReLU6",
            _ => "linear",
        }
    }
}

const fn layer(name: &'static str, channels: usize, stride: usize) -> Layer {
    Layer {
        name,
        channels,
        stride,
    }
}

/// Stem, the sixteen MBConv blocks, head: in forward order.
pub const LAYERS: [Layer; 18] = [
    layer("stem", 32, 2),
    layer("block0", 16, 2),
    layer("block1", 24, 4),
    layer("block2", 24, 4),
    layer("block3", 40, 8),
    layer("block4", 40, 8),
    layer("block5", 80, 16),
    layer("block6", 80, 16),
    layer("block7", 80, 16),
    layer("block8", 112, 16),
    layer("block9", 112, 16),
    layer("block10", 112, 16),
    layer("block11", 192, 32),
    layer("block12", 192, 32),
    layer("block13", 192, 32),
    layer("block14", 192, 32),
    layer("block15", 320, 32),
    layer("head", 1280, 32),
];

/// The spatial kernel each tap adds after the previous one (the stem's 3×3, each block's
/// depthwise k×k; 1×1 convolutions add nothing) — what the receptive field grows by.
const KERNELS: [usize; 18] = [3, 3, 3, 3, 5, 5, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5, 3, 1];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown layer `{0}` (known: stem, block0..block15, head)")]
pub struct UnknownLayer(pub String);

impl TapId {
    pub fn from_name(name: &str) -> Result<Self, UnknownLayer> {
        LAYERS
            .iter()
            .position(|layer| layer.name == name)
            .map(TapId)
            .ok_or_else(|| UnknownLayer(name.to_owned()))
    }

    pub fn layer(self) -> &'static Layer {
        &LAYERS[self.0]
    }

    pub fn name(self) -> &'static str {
        self.layer().name
    }

    pub fn channels(self) -> usize {
        self.layer().channels
    }

    /// Input pixels one position of this tap sees along each axis (its theoretical receptive
    /// field): each k×k convolution adds (k − 1) times the stride accumulated before it.
    pub fn receptive_field(self) -> usize {
        let (mut field, mut jump) = (1, 1);
        for (kernel, layer) in KERNELS.iter().zip(&LAYERS).take(self.0 + 1) {
            field += (kernel - 1) * jump;
            jump = layer.stride;
        }
        field
    }

    #[cfg_attr(not(feature = "network"), allow(dead_code))]
    pub(crate) fn index(self) -> usize {
        self.0
    }
}

impl fmt::Display for TapId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_rejected() {
        for tap in (0..LAYERS.len()).map(TapId) {
            assert_eq!(TapId::from_name(tap.name()), Ok(tap));
        }
        assert_eq!(
            TapId::from_name("block16"),
            Err(UnknownLayer("block16".into()))
        );
        assert!(TapId::from_name("").is_err());
    }
}
