//! The layers a user can visualize in each network: their names, widths, strides and receptive
//! fields, known without loading weights, derived from the network's block shapes. Every MBConv
//! block has three taps: after its expansion's ReLU6 (`blockN.expand`, from block 1 on; block 0
//! does not expand), after its depthwise convolution's ReLU6 (`blockN.dw`) and its linear output
//! (`blockN`, the projection plus the residual).

use std::fmt;
use std::sync::LazyLock;

use crate::network::{BlockSpec, HEAD_CHANNELS, Network, STEM_CHANNELS, STEM_KERNEL, STEM_STRIDE};

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

/// One readable point of a network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub name: String,
    pub channels: usize,
    /// Input pixels per activation position along each axis.
    pub stride: usize,
    pub site: Site,
}

/// A layer of one network; only constructible for layers that exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TapId {
    network: Network,
    index: usize,
}

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
    pub fn part(&self) -> &str {
        match self.site {
            Site::Block { point, .. } => match point {
                Point::Expand => "expand",
                Point::Depthwise => "depthwise",
                Point::Output => "output",
            },
            _ => &self.name,
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

/// One network's blocks and taps.
pub(crate) struct Catalog {
    pub blocks: Vec<BlockSpec>,
    layers: Vec<Layer>,
}

impl Catalog {
    fn of(network: Network) -> Self {
        let blocks = network.blocks();
        let strides = input_strides(&blocks);
        let at = |name: String, site: Site| {
            let (channels, stride) = match site {
                Site::Stem => (STEM_CHANNELS, STEM_STRIDE),
                Site::Block { index, point } => {
                    let spec = blocks[index];
                    match point {
                        Point::Expand => (spec.hidden(), strides[index]),
                        Point::Depthwise => (spec.hidden(), strides[index + 1]),
                        Point::Output => (spec.output, strides[index + 1]),
                    }
                }
                Site::Head => (HEAD_CHANNELS, strides[blocks.len()]),
            };
            Layer {
                name,
                channels,
                stride,
                site,
            }
        };
        // Forward order. The first release's 18 layers (stem, block0..block15, head) keep their
        // names, so its links still name the same activations.
        let mut layers = vec![at("stem".into(), Site::Stem)];
        for (index, spec) in blocks.iter().enumerate() {
            let mut point = |suffix: &str, point: Point| {
                layers.push(at(
                    format!("block{index}{suffix}"),
                    Site::Block { index, point },
                ));
            };
            if spec.expansion != 1 {
                point(".expand", Point::Expand);
            }
            point(".dw", Point::Depthwise);
            point("", Point::Output);
        }
        layers.push(at("head".into(), Site::Head));
        Self { blocks, layers }
    }
}

/// The stride of each block's input, and after the last block that of the head.
fn input_strides(blocks: &[BlockSpec]) -> Vec<usize> {
    std::iter::once(STEM_STRIDE)
        .chain(blocks.iter().scan(STEM_STRIDE, |stride, block| {
            *stride *= block.stride;
            Some(*stride)
        }))
        .collect()
}

static CATALOGS: [LazyLock<Catalog>; 3] = [
    LazyLock::new(|| Catalog::of(Network::Lite0)),
    LazyLock::new(|| Catalog::of(Network::Lite1)),
    LazyLock::new(|| Catalog::of(Network::Lite2)),
];

impl Network {
    pub(crate) fn catalog(self) -> &'static Catalog {
        &CATALOGS[self as usize]
    }

    /// Every layer of the network, in forward order.
    pub fn layers(self) -> &'static [Layer] {
        &self.catalog().layers
    }

    /// Every tap, in forward order.
    pub fn taps(self) -> impl Iterator<Item = TapId> {
        (0..self.layers().len()).map(move |index| TapId {
            network: self,
            index,
        })
    }

    /// The layer named `name`.
    pub fn tap(self, name: &str) -> Result<TapId, UnknownLayer> {
        self.layers()
            .iter()
            .position(|layer| layer.name == name)
            .map(|index| TapId {
                network: self,
                index,
            })
            .ok_or_else(|| UnknownLayer {
                network: self,
                name: name.to_owned(),
            })
    }

    /// How many MBConv blocks the network has.
    pub fn block_count(self) -> usize {
        self.catalog().blocks.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown layer `{name}` in {network} (known: stem, block0..block{last}, block0.dw..block{last}.dw, block1.expand..block{last}.expand, head)",
    last = network.block_count() - 1
)]
pub struct UnknownLayer {
    pub network: Network,
    pub name: String,
}

impl TapId {
    pub fn network(self) -> Network {
        self.network
    }

    pub fn layer(self) -> &'static Layer {
        &self.network.layers()[self.index]
    }

    pub fn name(self) -> &'static str {
        &self.layer().name
    }

    pub fn channels(self) -> usize {
        self.layer().channels
    }

    pub fn site(self) -> Site {
        self.layer().site
    }

    /// The tap whose units read this linear block output through a 1×1 convolution: the next
    /// block's expansion, or the head after the last block. `None` for any other tap.
    pub fn reader(self) -> Option<TapId> {
        match self.site() {
            Site::Block {
                index,
                point: Point::Output,
            } if index + 1 < self.network.block_count() => {
                self.network.tap(&format!("block{}.expand", index + 1)).ok()
            }
            Site::Block {
                point: Point::Output,
                ..
            } => self.network.tap("head").ok(),
            _ => None,
        }
    }

    /// The tap whose units write this linear block output through the block's 1×1 projection:
    /// its depthwise tap. `None` for any other tap.
    pub fn writer(self) -> Option<TapId> {
        match self.site() {
            Site::Block {
                index,
                point: Point::Output,
            } => self.network.tap(&format!("block{index}.dw")).ok(),
            _ => None,
        }
    }

    /// Input pixels one position of this tap sees along each axis (its theoretical receptive
    /// field): each k×k convolution adds (k − 1) times the stride accumulated before it; 1×1
    /// convolutions add nothing.
    pub fn receptive_field(self) -> usize {
        let blocks = &self.network.catalog().blocks;
        let strides = input_strides(blocks);
        let stem = 1 + (STEM_KERNEL - 1);
        let through = |count: usize| {
            blocks[..count]
                .iter()
                .zip(&strides)
                .fold(stem, |field, (spec, stride)| {
                    field + (spec.kernel - 1) * stride
                })
        };
        match self.site() {
            Site::Stem => stem,
            Site::Block {
                index,
                point: Point::Expand,
            } => through(index),
            Site::Block { index, .. } => through(index + 1),
            Site::Head => through(blocks.len()),
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
        for network in Network::ALL {
            for tap in network.taps() {
                assert_eq!(network.tap(tap.name()), Ok(tap));
            }
        }
        for unknown in [
            "block16",
            "block0.expand",
            "block16.dw",
            "block8.project",
            "",
        ] {
            assert_eq!(
                Network::Lite0.tap(unknown),
                Err(UnknownLayer {
                    network: Network::Lite0,
                    name: unknown.into()
                })
            );
        }
        assert!(Network::Lite1.tap("block20.dw").is_ok());
        assert!(Network::Lite1.tap("block21").is_err());
        assert_eq!(
            Network::Lite0.tap("block16").unwrap_err().to_string(),
            "unknown layer `block16` in efficientnet-lite0 (known: stem, block0..block15, \
             block0.dw..block15.dw, block1.expand..block15.expand, head)"
        );
    }

    /// Each linear block output is read by the next block's expansion (the head after the last)
    /// and written by its own depthwise units; no other tap has either.
    #[test]
    fn linear_outputs_have_a_reader_and_a_writer() {
        for network in Network::ALL {
            for tap in network.taps() {
                let linear = tap.layer().activation() == "linear";
                assert_eq!(tap.reader().is_some(), linear, "{tap}");
                assert_eq!(tap.writer().is_some(), linear, "{tap}");
            }
        }
        let tap = |name| Network::Lite0.tap(name).unwrap();
        assert_eq!(tap("block8").reader(), Some(tap("block9.expand")));
        assert_eq!(tap("block8").writer(), Some(tap("block8.dw")));
        assert_eq!(tap("block15").reader(), Some(tap("head")));
        assert_eq!(tap("block0").writer(), Some(tap("block0.dw")));
        let lite2 = |name| Network::Lite2.tap(name).unwrap();
        assert_eq!(lite2("block20").reader(), Some(lite2("head")));
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
        let kept: Vec<_> = Network::Lite0
            .taps()
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
            let tap = Network::Lite0.tap(name).unwrap();
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
            Network::Lite0.tap("block8.dw").unwrap().layer().label(),
            "block8 · depthwise 480 · ReLU6"
        );
        assert_eq!(
            Network::Lite0.tap("block8").unwrap().layer().label(),
            "block8 · output 112 · linear"
        );
        assert_eq!(
            Network::Lite0.tap("head").unwrap().layer().label(),
            "head 1280 · ReLU6"
        );
        assert_eq!(
            Network::Lite0.layers().iter().map(|l| l.channels).max(),
            Some(1280)
        );
    }

    /// Lite1 and Lite2 have 21 blocks, 64 taps each; Lite2's wider stages show in its taps, and
    /// its larger input does not change the strides.
    #[test]
    fn larger_networks_have_their_own_catalogs() {
        assert_eq!(Network::Lite0.layers().len(), 49);
        assert_eq!(Network::Lite1.layers().len(), 64);
        assert_eq!(Network::Lite2.layers().len(), 64);
        let of = |network: Network, name: &str| {
            let tap = network.tap(name).unwrap();
            (tap.channels(), tap.layer().stride, tap.receptive_field())
        };
        assert_eq!(of(Network::Lite1, "block20"), (320, 32, 1115));
        assert_eq!(of(Network::Lite2, "block20"), (352, 32, 1115));
        assert_eq!(of(Network::Lite2, "block20.expand").0, 208 * 6);
        assert_eq!(of(Network::Lite2, "block8.dw"), (88 * 6, 16, 155));
        assert_eq!(Network::Lite2.tap("head").unwrap().channels(), 1280);
        assert_ne!(
            Network::Lite0.tap("block8").unwrap(),
            Network::Lite1.tap("block8").unwrap()
        );
    }
}
