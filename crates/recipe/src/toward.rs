//! What the direction slider turns a neuron toward (its end, t = 1): a seeded random direction;
//! at a linear block output one of the network's own directions there — what a unit of the next
//! 1×1 convolution reads, or what a depthwise unit of the block writes; or at any tap a direction
//! learned from the shipped photos (an ICA component).

use std::fmt;
use std::str::FromStr;

use basis_models::TapId;

use crate::RecipeError;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Toward {
    /// The seed's uniformly random unit vector (every link before version 4).
    #[default]
    Random,
    /// The weights with which unit `u` of [`TapId::reader`] reads the layer (a row of the next
    /// block's expansion, or of the head).
    Read(u32),
    /// The direction in which unit `u` of [`TapId::writer`] writes the layer (a column of the
    /// block's projection).
    Write(u32),
    /// Independent component `k` (by kurtosis, heaviest first) of the layer's activations on the
    /// shipped photo pool: learned from the 8 photos every copy of Basis has, never from a user's,
    /// so a link draws the same direction everywhere.
    Learned(u32),
    /// As [`Toward::Learned`], learned from the pool's reference half only (see
    /// [`LearnedFrom::ReferenceHalf`]): a three-arm predict test asks about these, so that its
    /// queries never come from the photos its learned directions were fitted to.
    LearnedHalf(u32),
}

/// Which of the shipped photos a learned direction is learned from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LearnedFrom {
    /// All of them.
    AllPhotos,
    /// Every other photo from the second (in the pool's order): the half a predict test never
    /// takes its queries from when it splits the pool (`basis_featvis::queries::Half`).
    ReferenceHalf,
}

impl LearnedFrom {
    /// The `i`-th shipped photo (in the pool's order) is one of them.
    pub fn includes(self, i: usize) -> bool {
        match self {
            LearnedFrom::AllPhotos => true,
            LearnedFrom::ReferenceHalf => i % 2 == 1,
        }
    }
}

/// ICA components learned per tap; a link names one of them.
pub const LEARNED_DIRECTIONS: u32 = 32;

impl Toward {
    /// A learned direction's photos and its index among the directions learned from them.
    pub fn learned(self) -> Option<(LearnedFrom, u32)> {
        match self {
            Toward::Learned(k) => Some((LearnedFrom::AllPhotos, k)),
            Toward::LearnedHalf(k) => Some((LearnedFrom::ReferenceHalf, k)),
            Toward::Random | Toward::Read(_) | Toward::Write(_) => None,
        }
    }

    /// The tap whose unit the direction belongs to, for the network's own directions.
    pub fn owner(self, tap: TapId) -> Option<TapId> {
        match self {
            Toward::Random | Toward::Learned(_) | Toward::LearnedHalf(_) => None,
            Toward::Read(_) => tap.reader(),
            Toward::Write(_) => tap.writer(),
        }
    }

    /// Checked against the recipe's layer: the network's own directions exist only at linear
    /// block outputs, and only for the units there are.
    pub(crate) fn validate(self, tap: TapId) -> Result<(), RecipeError> {
        let unit = match self {
            Toward::Random => return Ok(()),
            Toward::Learned(k) | Toward::LearnedHalf(k) if k < LEARNED_DIRECTIONS => return Ok(()),
            Toward::Learned(_) | Toward::LearnedHalf(_) => {
                return Err(RecipeError::LearnedOutOfRange(self.to_string()));
            }
            Toward::Read(unit) | Toward::Write(unit) => unit,
        };
        let owner = self
            .owner(tap)
            .ok_or_else(|| RecipeError::TowardNotLinear {
                toward: self.to_string(),
                layer: tap.name().to_owned(),
            })?;
        if unit as usize >= owner.channels() {
            return Err(RecipeError::TowardUnitOutOfRange {
                toward: self.to_string(),
                owner: owner.name().to_owned(),
                units: owner.channels(),
            });
        }
        Ok(())
    }
}

/// `random`, `read:U`, `write:U`, `learned:K` or `learned-half:K`: how the CLI's `--toward` and
/// the page's labels name it.
impl fmt::Display for Toward {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Toward::Random => f.write_str("random"),
            Toward::Read(unit) => write!(f, "read:{unit}"),
            Toward::Write(unit) => write!(f, "write:{unit}"),
            Toward::Learned(k) => write!(f, "learned:{k}"),
            Toward::LearnedHalf(k) => write!(f, "learned-half:{k}"),
        }
    }
}

impl FromStr for Toward {
    type Err = RecipeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || RecipeError::UnknownToward(text.to_owned());
        match text.split_once(':') {
            None if text == "random" => Ok(Toward::Random),
            Some((kind, unit)) => {
                let unit: u32 = unit.parse().map_err(|_| unknown())?;
                match kind {
                    "read" => Ok(Toward::Read(unit)),
                    "write" => Ok(Toward::Write(unit)),
                    "learned" => Ok(Toward::Learned(unit)),
                    "learned-half" => Ok(Toward::LearnedHalf(unit)),
                    _ => Err(unknown()),
                }
            }
            None => Err(unknown()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use basis_models::Network;

    #[test]
    fn names_round_trip_and_bad_ones_are_named() {
        for toward in [
            Toward::Random,
            Toward::Read(0),
            Toward::Write(479),
            Toward::Learned(31),
            Toward::LearnedHalf(4),
        ] {
            assert_eq!(toward.to_string().parse(), Ok(toward));
        }
        for bad in [
            "",
            "read",
            "read:",
            "read:-1",
            "write:x",
            "ica:3",
            "Random",
            "learned:-1",
        ] {
            assert_eq!(
                bad.parse::<Toward>(),
                Err(RecipeError::UnknownToward(bad.to_owned()))
            );
        }
    }

    #[test]
    fn own_directions_exist_at_linear_outputs_for_the_units_there_are() {
        let tap = |name| Network::Lite0.tap(name).unwrap();
        // block8 (112 channels) is read by block9.expand's 672 units, written by block8.dw's 480.
        assert_eq!(Toward::Read(671).validate(tap("block8")), Ok(()));
        assert_eq!(Toward::Write(479).validate(tap("block8")), Ok(()));
        assert_eq!(
            Toward::Write(480)
                .validate(tap("block8"))
                .unwrap_err()
                .to_string(),
            "toward: write:480 is out of range; block8.dw has units 0..480"
        );
        assert_eq!(
            Toward::Read(0)
                .validate(tap("block8.dw"))
                .unwrap_err()
                .to_string(),
            "toward: read:0 needs a linear block output (e.g. block8), where a 1×1 convolution reads and writes; block8.dw is not one"
        );
        assert_eq!(Toward::Random.validate(tap("block8.dw")), Ok(()));
        // Learned directions exist at every tap, 32 of them.
        assert_eq!(Toward::Learned(31).validate(tap("block8.dw")), Ok(()));
        assert_eq!(Toward::Learned(0).validate(tap("stem")), Ok(()));
        assert_eq!(
            Toward::Learned(32)
                .validate(tap("block8"))
                .unwrap_err()
                .to_string(),
            "toward: learned:32 is out of range; Basis learns directions 0..32 at each layer"
        );
        assert_eq!(Toward::Read(1279).validate(tap("block15")), Ok(()));
    }
}
