//! Where a picture's optimization starts: from Lucid's noise, or — feature accentuation, after
//! Hamblin et al. — from a photo, held close to it by a penalty on the pixels that moved. A photo
//! of the shipped pool is named by its file name, so a link reproduces the picture; the user's own
//! photo is only marked as such: its pixels and its name never go into a link.

use std::fmt;

use crate::RecipeError;
use crate::validate::within;

/// The weight of `mean((image − photo)²)` (pixels in 0…1) against the objective. Hamblin et al.'s
/// reference implementation weighs it 1.0 against its objective; against Basis's (a channel's mean
/// response) 1.0 leaves the picture almost as free as 0 does. Measured at 128 px, 256 steps from
/// chelsea.png (docs/science.md): 1000 keeps the picture within a mean 13–18 / 255 of the photo
/// while the direction reaches 74–84 % of what it reaches unheld, at block3, block8 and block14.
pub const DEFAULT_PENALTY: f32 = 1000.0;
/// A weight far above any that leaves the objective a say (10000 already halves it).
pub const MAX_PENALTY: f32 = 100_000.0;
/// A pool photo's file name is at most this long.
pub const MAX_PHOTO_NAME: usize = 64;

#[derive(Debug, Clone, Default, PartialEq)]
pub enum Start {
    /// Lucid's: Gaussian parameters drawn from the recipe's seed.
    #[default]
    Noise,
    /// A photo of the shipped pool (`photos/NAME` on the page, `public/photos/NAME` for the CLI).
    Pool { photo: String, penalty: f32 },
    /// The user's own photo, which stays on their device: a link says only that there was one.
    Own { penalty: f32 },
}

impl Start {
    /// A pool photo with the default penalty.
    pub fn pool(photo: impl Into<String>) -> Self {
        Start::Pool {
            photo: photo.into(),
            penalty: DEFAULT_PENALTY,
        }
    }

    /// The weight that keeps the picture close to its photo; `None` from noise.
    pub fn penalty(&self) -> Option<f32> {
        match self {
            Start::Noise => None,
            Start::Pool { penalty, .. } | Start::Own { penalty } => Some(*penalty),
        }
    }

    /// The same start with another penalty (noise stays noise).
    pub fn with_penalty(&self, penalty: f32) -> Self {
        match self {
            Start::Noise => Start::Noise,
            Start::Pool { photo, .. } => Start::Pool {
                photo: photo.clone(),
                penalty,
            },
            Start::Own { .. } => Start::Own { penalty },
        }
    }

    pub(crate) fn validate(&self) -> Result<(), RecipeError> {
        if let Start::Pool { photo, .. } = self {
            check_photo_name(photo)?;
        }
        if let Some(penalty) = self.penalty() {
            if !penalty.is_finite() {
                return Err(RecipeError::NonFinite { field: "penalty" });
            }
            within(
                "penalty",
                penalty as f64,
                0.0,
                MAX_PENALTY as f64,
                "0 to 100000",
            )?;
        }
        Ok(())
    }
}

/// A plain file name with an image's extension: nothing a page could be led elsewhere by.
fn check_photo_name(name: &str) -> Result<(), RecipeError> {
    let plain = !name.is_empty()
        && name.len() <= MAX_PHOTO_NAME
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let image = [".png", ".jpg", ".jpeg"]
        .iter()
        .any(|ext| name.to_ascii_lowercase().ends_with(ext));
    if plain && image {
        Ok(())
    } else {
        Err(RecipeError::BadPhotoName(name.to_owned()))
    }
}

/// `noise`, `photo:NAME` or `own`, with `@PENALTY` where it is not the default: how the CLI's
/// `--start` and the page's labels name it.
impl fmt::Display for Start {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let penalty = |f: &mut fmt::Formatter<'_>, penalty: f32| {
            if penalty == DEFAULT_PENALTY {
                Ok(())
            } else {
                write!(f, "@{penalty}")
            }
        };
        match self {
            Start::Noise => f.write_str("noise"),
            Start::Pool { photo, penalty: p } => {
                write!(f, "photo:{photo}")?;
                penalty(f, *p)
            }
            Start::Own { penalty: p } => {
                f.write_str("own")?;
                penalty(f, *p)
            }
        }
    }
}

impl std::str::FromStr for Start {
    type Err = RecipeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || RecipeError::UnknownStart(text.to_owned());
        let (kind, penalty) = match text.rsplit_once('@') {
            Some((kind, penalty)) => (kind, penalty.parse::<f32>().map_err(|_| unknown())?),
            None => (text, DEFAULT_PENALTY),
        };
        let start = match kind.split_once(':') {
            None if kind == "noise" && penalty == DEFAULT_PENALTY => Start::Noise,
            None if kind == "own" => Start::Own { penalty },
            Some(("photo", photo)) => Start::Pool {
                photo: photo.to_owned(),
                penalty,
            },
            _ => return Err(unknown()),
        };
        start.validate()?;
        Ok(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_bad_ones_are_named() {
        for start in [
            Start::Noise,
            Start::pool("chelsea.png"),
            Start::Pool {
                photo: "grace_hopper.jpg".into(),
                penalty: 10.0,
            },
            Start::Pool {
                photo: "coffee.png".into(),
                penalty: 1.0,
            },
            Start::Own { penalty: 0.5 },
        ] {
            assert_eq!(start.to_string().parse(), Ok(start));
        }
        for bad in ["", "photo", "noise@2", "own@x", "pool:chelsea.png", "Noise"] {
            assert_eq!(
                bad.parse::<Start>(),
                Err(RecipeError::UnknownStart(bad.to_owned())),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_pool_photo_is_a_plain_image_file_name_and_the_penalty_is_bounded() {
        for good in [
            "chelsea.png",
            "rocket.jpg",
            "categorization-fishes-fish1.JPEG",
        ] {
            assert_eq!(Start::pool(good).validate(), Ok(()));
        }
        for bad in [
            "",
            "../model/x.png",
            "a/b.png",
            ".png",
            "chelsea",
            "x.svg",
            "a b.png",
        ] {
            assert_eq!(
                Start::pool(bad).validate(),
                Err(RecipeError::BadPhotoName(bad.into()))
            );
        }
        let long = format!("{}.png", "a".repeat(MAX_PHOTO_NAME));
        assert!(Start::pool(long).validate().is_err());
        for (penalty, ok) in [
            (0.0, true),
            (100_000.0, true),
            (-0.1, false),
            (100_001.0, false),
        ] {
            let start = Start::Own { penalty };
            assert_eq!(start.validate().is_ok(), ok, "{penalty}");
        }
        assert_eq!(
            Start::Own { penalty: f32::NAN }.validate(),
            Err(RecipeError::NonFinite { field: "penalty" })
        );
    }
}
