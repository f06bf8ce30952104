//! The layers a user can visualize: their names, widths, strides and receptive fields, known
//! without loading weights. Every MBConv block has three taps: after its expansion's ReLU6
//! (`blockN.expand`, blocks 1–15; block 0 does not expand), after its depthwise convolution's
//! ReLU6 (`blockN.dw`) and its linear output (`blockN`, the projection plus the residual).

use std::fmt;

/// The network every recipe names.
pub const MODEL_ID: &str = "efficientnet-lite0";

/// The stem's output channels and stride.
pub(crate) const STEM_CHANNELS: usize = 32;
const STEM_STRIDE: usize = 2;
const STEM_KERNEL: usize = 3;
pub(crate) const HEAD_CHANNELS: usize = 1280;

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

const fn block(
    input: usize,
    output: usize,
    expansion: usize,
    kernel: usize,
    stride: usize,
) -> BlockSpec {
    BlockSpec {
        input,
        output,
        expansion,
        kernel,
        stride,
    }
}

pub(crate) const BLOCKS: [BlockSpec; 16] = [
    block(32, 16, 1, 3, 1),
    block(16, 24, 6, 3, 2),
    block(24, 24, 6, 3, 1),
    block(24, 40, 6, 5, 2),
    block(40, 40, 6, 5, 1),
    block(40, 80, 6, 3, 2),
    block(80, 80, 6, 3, 1),
    block(80, 80, 6, 3, 1),
    block(80, 112, 6, 5, 1),
    block(112, 112, 6, 5, 1),
    block(112, 112, 6, 5, 1),
    block(112, 192, 6, 5, 2),
    block(192, 192, 6, 5, 1),
    block(192, 192, 6, 5, 1),
    block(192, 192, 6, 5, 1),
    block(192, 320, 6, 3, 1),
];

/// Where inside an MBConv block a tap reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Point {
    /// After the 1×1 expansion and its ReLU6.
    Expand,
    /// After the depthwise k×k convolution and its ReLU6.
    Depthwise,
    /// The block's output: the 1×1 projection (plus the residual), with nothing after it.
    Output,
}

/// Where in the network a tap reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Site {
    Stem,
    Block { index: usize, point: Point },
    Head,
}

/// One readable point of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layer {
    pub name: &'static str,
    pub channels: usize,
    /// Input pixels per activation position along each axis.
    pub stride: usize,
    pub site: Site,
}

/// Index of a layer in [`LAYERS`]; only constructible for layers that exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TapId(usize);

impl Layer {
    /// What the tap's values come out of: "ReLU6" for the stem, the expansions, the depthwise
    /// convolutions and the head; "linear" for the block outputs, a 1×1 projection (plus the
    /// residual) with nothing after it, as a transformer's residual stream.
    pub fn activation(&self) -> &'static str {
        match self.site {
            Site::Block {
                point: Point::Output,
                ..
            } => "linear",
            _ => "ReLU6",
        }
    }

    /// The block the tap belongs to, if any.
    pub fn block(&self) -> Option<usize> {
        match self.site {
            Site::Block { index, .. } => Some(index),
            _ => None,
        }
    }

    /// What the tap is within its block, in words: "expand", "depthwise", "output", or the
    /// layer's own name for the stem and the head.
    pub fn part(&self) -> &'static str {
        match self.site {
            Site::Block { point, .. } => match point {
                Point::Expand => "expand",
                Point::Depthwise => "depthwise",
                Point::Output => "output",
            },
            _ => self.name,
        }
    }

    /// How a layer picker shows it, e.g. "block8 · depthwise 480 · ReLU6" or "head 1280 · ReLU6".
    pub fn label(&self) -> String {
        match self.block() {
            Some(index) => format!(
                "block{index} · {} {} · {}",
                self.part(),
                self.channels,
                self.activation()
            ),
            None => format!("{} {} · {}", self.name, self.channels, self.activation()),
        }
    }
}

/// The stride of block `index`'s input.
const fn stride_into(index: usize) -> usize {
    let mut stride = STEM_STRIDE;
    let mut i = 0;
    while i < index {
        stride *= BLOCKS[i].stride;
        i += 1;
    }
    stride
}

const fn tap(name: &'static str, site: Site) -> Layer {
    let (channels, stride) = match site {
        Site::Stem => (STEM_CHANNELS, STEM_STRIDE),
        Site::Block { index, point } => {
            let spec = BLOCKS[index];
            match point {
                Point::Expand => (spec.hidden(), stride_into(index)),
                Point::Depthwise => (spec.hidden(), stride_into(index + 1)),
                Point::Output => (spec.output, stride_into(index + 1)),
            }
        }
        Site::Head => (HEAD_CHANNELS, stride_into(BLOCKS.len())),
    };
    Layer {
        name,
        channels,
        stride,
        site,
    }
}

const fn expand(name: &'static str, index: usize) -> Layer {
    tap(
        name,
        Site::Block {
            index,
            point: Point::Expand,
        },
    )
}

const fn dw(name: &'static str, index: usize) -> Layer {
    tap(
        name,
        Site::Block {
            index,
            point: Point::Depthwise,
        },
    )
}

const fn output(name: &'static str, index: usize) -> Layer {
    tap(
        name,
        Site::Block {
            index,
            point: Point::Output,
        },
    )
}

/// Every tap, in forward order: the stem, each block's expansion (from block 1 on), depthwise
/// and output, the head. The names of the first release's 18 layers are unchanged, so its links
/// still name the same activations.
pub const LAYERS: [Layer; 49] = [
    tap("stem", Site::Stem),
    dw("block0.dw", 0),
    output("block0", 0),
    expand("block1.expand", 1),
    dw("block1.dw", 1),
    output("block1", 1),
    expand("block2.expand", 2),
    dw("block2.dw", 2),
    output("block2", 2),
    expand("block3.expand", 3),
    dw("block3.dw", 3),
    output("block3", 3),
    expand("block4.expand", 4),
    dw("block4.dw", 4),
    output("block4", 4),
    expand("block5.expand", 5),
    dw("block5.dw", 5),
    output("block5", 5),
    expand("block6.expand", 6),
    dw("block6.dw", 6),
    output("block6", 6),
    expand("block7.expand", 7),
    dw("block7.dw", 7),
    output("block7", 7),
    expand("block8.expand", 8),
    dw("block8.dw", 8),
    output("block8", 8),
    expand("block9.expand", 9),
    dw("block9.dw", 9),
    output("block9", 9),
    expand("block10.expand", 10),
    dw("block10.dw", 10),
    output("block10", 10),
    expand("block11.expand", 11),
    dw("block11.dw", 11),
    output("block11", 11),
    expand("block12.expand", 12),
    dw("block12.dw", 12),
    output("block12", 12),
    expand("block13.expand", 13),
    dw("block13.dw", 13),
    output("block13", 13),
    expand("block14.expand", 14),
    dw("block14.dw", 14),
    output("block14", 14),
    expand("block15.expand", 15),
    dw("block15.dw", 15),
    output("block15", 15),
    tap("head", Site::Head),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown layer `{0}` (known: stem, block0..block15, block0.dw..block15.dw, block1.expand..block15.expand, head)"
)]
pub struct UnknownLayer(pub String);

impl TapId {
    pub fn from_name(name: &str) -> Result<Self, UnknownLayer> {
        LAYERS
            .iter()
            .position(|layer| layer.name == name)
            .map(TapId)
            .ok_or_else(|| UnknownLayer(name.to_owned()))
    }

    /// Every tap, in forward order.
    pub fn all() -> impl Iterator<Item = TapId> {
        (0..LAYERS.len()).map(TapId)
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

    pub fn site(self) -> Site {
        self.layer().site
    }

    /// Input pixels one position of this tap sees along each axis (its theoretical receptive
    /// field): each k×k convolution adds (k − 1) times the stride accumulated before it; 1×1
    /// convolutions add nothing.
    pub fn receptive_field(self) -> usize {
        let stem = 1 + (STEM_KERNEL - 1);
        let through = |blocks: usize| {
            BLOCKS[..blocks]
                .iter()
                .enumerate()
                .fold(stem, |field, (i, spec)| {
                    field + (spec.kernel - 1) * stride_into(i)
                })
        };
        match self.site() {
            Site::Stem => stem,
            Site::Block {
                index,
                point: Point::Expand,
            } => through(index),
            Site::Block { index, .. } => through(index + 1),
            Site::Head => through(BLOCKS.len()),
        }
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
        for tap in TapId::all() {
            assert_eq!(TapId::from_name(tap.name()), Ok(tap));
        }
        for unknown in [
            "block16",
            "block0.expand",
            "block16.dw",
            "block8.project",
            "",
        ] {
            assert_eq!(TapId::from_name(unknown), Err(UnknownLayer(unknown.into())));
        }
    }

    /// The first release's 18 layers keep their names, shapes and order among themselves.
    #[test]
    fn the_first_releases_layers_are_unchanged() {
        let old = [
            ("stem", 32, 2, 3),
            ("block0", 16, 2, 7),
            ("block1", 24, 4, 11),
            ("block2", 24, 4, 19),
            ("block3", 40, 8, 35),
            ("block4", 40, 8, 67),
            ("block5", 80, 16, 83),
            ("block6", 80, 16, 115),
            ("block7", 80, 16, 147),
            ("block8", 112, 16, 211),
            ("block9", 112, 16, 275),
            ("block10", 112, 16, 339),
            ("block11", 192, 32, 403),
            ("block12", 192, 32, 531),
            ("block13", 192, 32, 659),
            ("block14", 192, 32, 787),
            ("block15", 320, 32, 851),
            ("head", 1280, 32, 851),
        ];
        let kept: Vec<_> = TapId::all()
            .filter(|t| !t.name().contains('.'))
            .map(|t| {
                (
                    t.name(),
                    t.channels(),
                    t.layer().stride,
                    t.receptive_field(),
                )
            })
            .collect();
        assert_eq!(kept, old);
    }

    #[test]
    fn hidden_taps_have_the_blocks_widths_strides_and_fields() {
        let of = |name: &str| {
            let tap = TapId::from_name(name).unwrap();
            (
                tap.channels(),
                tap.layer().stride,
                tap.receptive_field(),
                tap.layer().activation(),
            )
        };
        // block8: 80 → 480 (×6), 5×5 depthwise at stride 1, input at stride 16 with field 147.
        assert_eq!(of("block8.expand"), (480, 16, 147, "ReLU6"));
        assert_eq!(of("block8.dw"), (480, 16, 211, "ReLU6"));
        // block1 halves the grid in its depthwise convolution: the expansion is still at stride 2.
        assert_eq!(of("block1.expand"), (96, 2, 7, "ReLU6"));
        assert_eq!(of("block1.dw"), (96, 4, 11, "ReLU6"));
        assert_eq!(of("block0.dw"), (32, 2, 7, "ReLU6"));
        assert_eq!(of("block15.expand").0, 1152);
        assert_eq!(
            TapId::from_name("block8.dw").unwrap().layer().label(),
            "block8 · depthwise 480 · ReLU6"
        );
        assert_eq!(
            TapId::from_name("block8").unwrap().layer().label(),
            "block8 · output 112 · linear"
        );
        assert_eq!(
            TapId::from_name("head").unwrap().layer().label(),
            "head 1280 · ReLU6"
        );
        assert_eq!(LAYERS.iter().map(|l| l.channels).max(), Some(1280));
    }
}
