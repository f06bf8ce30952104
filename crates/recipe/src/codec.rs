//! Recipe ⇄ permalink string: postcard (compact, varint) bytes in URL-safe base64 without
//! padding, so the string sits in a URL fragment unescaped.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::{FORMAT_VERSION, Recipe, RecipeError};

/// Far above any valid recipe (~100 characters), far below anything that could hurt.
pub const MAX_ENCODED_LENGTH: usize = 512;

impl Recipe {
    pub fn encode(&self) -> String {
        let bytes = postcard::to_allocvec(self).expect("a recipe always serializes");
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Parses and validates a permalink string. Never panics, whatever the input.
    pub fn decode(text: &str) -> Result<Self, RecipeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RecipeError::Empty);
        }
        if text.len() > MAX_ENCODED_LENGTH {
            return Err(RecipeError::TooLong {
                length: text.len(),
                max: MAX_ENCODED_LENGTH,
            });
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(RecipeError::NotBase64);
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|error| match error {
            // A string cut at an arbitrary point ends in a partial group or stray low bits.
            base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidLastSymbol(..) => {
                RecipeError::Truncated
            }
            other => RecipeError::Garbage(other.to_string()),
        })?;
        match bytes.first() {
            Some(&FORMAT_VERSION) => {}
            Some(&version) => return Err(RecipeError::UnknownVersion(version)),
            None => return Err(RecipeError::Truncated),
        }
        let (recipe, rest): (Recipe, _) =
            postcard::take_from_bytes(&bytes).map_err(|error| match error {
                postcard::Error::DeserializeUnexpectedEnd => RecipeError::Truncated,
                other => RecipeError::Garbage(other.to_string()),
            })?;
        if !rest.is_empty() {
            return Err(RecipeError::TrailingBytes(rest.len()));
        }
        recipe.validate()?;
        Ok(recipe)
    }
}
