//! A contact sheet: N neurons, M random directions and K directions learned from the shipped
//! photos (ICA) of one layer, rendered alike, labelled or blind (shuffled by the seed, labels
//! hidden). Each tile is a full [`Recipe`], so it has its own permalink. Encodes to a link
//! (`#sheet=…`) like a recipe: version 1 without learned tiles, version 5 with them.

use crate::codec::{base_recipe, bytes, encode_bytes, postcard_exact};
use crate::seeded::Choices;
use crate::validate::within;
use crate::wire::{v1, v5};
use crate::{Recipe, RecipeError, Toward};

/// Up to 8 of each kind: a wall of 16 is what a projector shows legibly, 24 with learned tiles.
pub const MAX_PER_KIND: usize = 8;
const NEURON_STREAM: u64 = 11;
const RANDOM_STREAM: u64 = 12;
const SHUFFLE_STREAM: u64 = 13;

#[derive(Debug, Clone, PartialEq)]
pub enum Neurons {
    /// These channels, in this order.
    Listed(Vec<u32>),
    /// `count` distinct channels drawn from the sheet's seed.
    Seeded(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Layer, seed, image and transform settings, steps and weights for every tile. Its channel
    /// and mix are ignored (kept at 0 so that equal sheets encode alike).
    pub base: Recipe,
    pub neurons: Neurons,
    /// How many random directions.
    pub random: usize,
    /// How many learned directions: ICA directions 0, 1, … of the layer (heaviest-tailed first).
    pub learned: usize,
    /// Tiles shuffled by the seed and labels hidden until revealed.
    pub blind: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileKind {
    Neuron,
    Random,
    Learned,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SheetTile {
    pub recipe: Recipe,
    pub kind: TileKind,
    /// 1-based within its kind: random direction 1, 2, …
    pub number: usize,
}

impl SheetTile {
    /// "neuron 12", "random 3" or "learned 2": what the tile shows, once revealed.
    pub fn label(&self) -> String {
        match self.kind {
            TileKind::Neuron => format!("neuron {}", self.recipe.channel),
            TileKind::Random => format!("random {}", self.number),
            TileKind::Learned => format!("learned {}", self.number),
        }
    }
}

impl Sheet {
    /// Lucid's defaults at `base`'s layer: 4 neurons and 4 random directions, labelled.
    pub fn new(mut base: Recipe) -> Self {
        base.channel = 0;
        base.mix = 0.0;
        Self {
            base,
            neurons: Neurons::Seeded(4),
            random: 4,
            learned: 0,
            blind: false,
        }
    }

    pub fn validate(&self) -> Result<(), RecipeError> {
        self.base.validate()?;
        let channels = self.base.tap()?.channels();
        let count = match &self.neurons {
            Neurons::Listed(list) => {
                for (i, &channel) in list.iter().enumerate() {
                    if channel as usize >= channels {
                        return Err(RecipeError::ChannelOutOfRange {
                            layer: self.base.layer.clone(),
                            channel,
                            channels,
                        });
                    }
                    if list[..i].contains(&channel) {
                        return Err(RecipeError::Repeated {
                            field: "neurons",
                            value: format!("channel {channel}"),
                        });
                    }
                }
                list.len()
            }
            Neurons::Seeded(count) => *count,
        };
        within("neurons", count as f64, 0.0, MAX_PER_KIND as f64, "0 to 8")?;
        within(
            "random",
            self.random as f64,
            0.0,
            MAX_PER_KIND as f64,
            "0 to 8",
        )?;
        within(
            "learned",
            self.learned as f64,
            0.0,
            MAX_PER_KIND as f64,
            "0 to 8",
        )?;
        within(
            "tiles",
            (count + self.random + self.learned) as f64,
            1.0,
            f64::MAX,
            "at least 1",
        )
    }

    /// The neurons' channels, in order.
    pub fn channels(&self) -> Vec<u32> {
        match &self.neurons {
            Neurons::Listed(list) => list.clone(),
            Neurons::Seeded(count) => {
                let channels = self.base.tap().map_or(0, |tap| tap.channels());
                Choices::new(self.base.seed, NEURON_STREAM)
                    .distinct(channels, *count)
                    .into_iter()
                    .map(|c| c as u32)
                    .collect()
            }
        }
    }

    /// Every tile, in display order (shuffled by the seed when blind). Neuron tiles use the
    /// sheet's seed for their noise; random tile `j` has its own seed (which draws its direction)
    /// and starts at neuron `j`'s channel, so its own page slides back to a neuron; learned tile
    /// `j` is ICA direction `j − 1` from neuron `j`'s channel, with the sheet's seed.
    pub fn tiles(&self) -> Vec<SheetTile> {
        let channels = self.channels();
        let mut seeds = Choices::new(self.base.seed, RANDOM_STREAM);
        let neurons = channels.iter().enumerate().map(|(i, &channel)| SheetTile {
            recipe: Recipe {
                channel,
                ..self.base.clone()
            },
            kind: TileKind::Neuron,
            number: i + 1,
        });
        let random = (0..self.random).map(|j| SheetTile {
            recipe: Recipe {
                channel: channels.get(j).copied().unwrap_or(0),
                seed: seeds.seed(),
                mix: 1.0,
                ..self.base.clone()
            },
            kind: TileKind::Random,
            number: j + 1,
        });
        let learned = (0..self.learned).map(|j| SheetTile {
            recipe: Recipe {
                channel: channels.get(j).copied().unwrap_or(0),
                toward: Toward::Learned(j as u32),
                mix: 1.0,
                ..self.base.clone()
            },
            kind: TileKind::Learned,
            number: j + 1,
        });
        let mut tiles: Vec<SheetTile> = neurons.chain(random).chain(learned).collect();
        if self.blind {
            Choices::new(self.base.seed, SHUFFLE_STREAM).shuffle(&mut tiles);
        }
        tiles
    }

    /// Version 1's bytes (what the first release wrote) without learned tiles, version 5's with.
    pub fn encode(&self) -> String {
        let sheet = v1::Sheet {
            version: v1::VERSION,
            base: v1::Recipe::from(&self.base),
            neurons: match &self.neurons {
                Neurons::Listed(list) => v1::Neurons::Listed(list.clone()),
                Neurons::Seeded(count) => v1::Neurons::Seeded {
                    count: narrow(*count),
                },
            },
            random: narrow(self.random),
            blind: self.blind,
        };
        if self.learned == 0 {
            return encode_bytes(&sheet);
        }
        encode_bytes(&v5::Sheet {
            version: v5::VERSION,
            base: sheet.base,
            neurons: sheet.neurons,
            random: sheet.random,
            learned: narrow(self.learned),
            blind: sheet.blind,
        })
    }

    /// Parses and validates a sheet link's code. Never panics.
    pub fn decode(text: &str) -> Result<Self, RecipeError> {
        let bytes = bytes(text)?;
        let (base, neurons, random, learned, blind) = match bytes.first() {
            Some(&v1::VERSION) => {
                let w: v1::Sheet = postcard_exact(&bytes)?;
                (w.base, w.neurons, w.random, 0, w.blind)
            }
            Some(&v5::VERSION) => {
                let w: v5::Sheet = postcard_exact(&bytes)?;
                (w.base, w.neurons, w.random, w.learned, w.blind)
            }
            Some(&version) => return Err(RecipeError::UnknownVersion(version)),
            None => return Err(RecipeError::Truncated),
        };
        let sheet = Sheet {
            base: base_recipe(base)?,
            neurons: match neurons {
                v1::Neurons::Listed(list) => Neurons::Listed(list),
                v1::Neurons::Seeded { count } => Neurons::Seeded(count as usize),
            },
            random: random as usize,
            learned: learned as usize,
            blind,
        };
        sheet.validate()?;
        Ok(sheet)
    }
}

/// Validation keeps the counts at most 8.
fn narrow(count: usize) -> u8 {
    u8::try_from(count).expect("a validated count fits in u8")
}
