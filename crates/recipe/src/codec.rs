//! Recipe ⇄ permalink string: postcard (compact, varint) bytes in URL-safe base64 without
//! padding, so the string sits in a URL fragment unescaped. The first byte is the format version;
//! each version decodes through its own pinned structs in [`crate::wire`].

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;

use crate::wire::{self, v1, v4, v5};
use crate::{Recipe, RecipeError};

/// Far above any valid recipe (~100 characters), far below anything that could hurt.
pub const MAX_ENCODED_LENGTH: usize = 512;

impl Recipe {
    /// The permalink string: version 1, version 4 for a recipe that turns toward one of the
    /// network's own directions, version 5 for one that starts from a photo. Only meaningful for
    /// a valid recipe. The user's own photo is not in it: its picture needs a photo of one's own.
    pub fn encode(&self) -> String {
        debug_assert_eq!(wire::FORMAT_VERSION, v1::VERSION);
        if let Some(v5) = wire::v5_of(self) {
            return encode_bytes(&v5);
        }
        match wire::v4_of(self) {
            Some(v4) => encode_bytes(&v4),
            None => encode_bytes(&v1::Recipe::from(self)),
        }
    }

    /// Parses and validates a permalink string of any released version. Never panics.
    pub fn decode(text: &str) -> Result<Self, RecipeError> {
        let bytes = bytes(text)?;
        let recipe: Recipe = match bytes.first() {
            Some(&v1::VERSION) => postcard_exact::<v1::Recipe>(&bytes)?.into(),
            Some(&v4::VERSION) => postcard_exact::<v4::Recipe>(&bytes)?.into(),
            Some(&v5::VERSION) => postcard_exact::<v5::Recipe>(&bytes)?.into(),
            Some(&version) => return Err(RecipeError::UnknownVersion(version)),
            None => return Err(RecipeError::Truncated),
        };
        recipe.validate()?;
        Ok(recipe)
    }
}

/// The shared settings a sheet or quiz carries as a recipe, checked to be of a known version.
pub(crate) fn base_recipe(wire: v1::Recipe) -> Result<Recipe, RecipeError> {
    if wire.version != v1::VERSION {
        return Err(RecipeError::UnknownVersion(wire.version));
    }
    Ok(wire.into())
}

/// A link string's bytes, for a wire struct whose first field is its version byte.
pub(crate) fn encode_bytes<T: serde::Serialize>(value: &T) -> String {
    URL_SAFE_NO_PAD.encode(postcard::to_allocvec(value).expect("a link value serializes"))
}

/// A link string's bytes, checked for length and alphabet; the first is its format version.
pub(crate) fn bytes(text: &str) -> Result<Vec<u8>, RecipeError> {
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
    URL_SAFE_NO_PAD.decode(text).map_err(|error| match error {
        // A string cut at an arbitrary point ends in a partial group or stray low bits.
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidLastSymbol(..) => {
            RecipeError::Truncated
        }
        other => RecipeError::Garbage(other.to_string()),
    })
}

/// One value and nothing after it.
pub(crate) fn postcard_exact<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, RecipeError> {
    let (value, rest): (T, _) = postcard::take_from_bytes(bytes).map_err(|error| match error {
        postcard::Error::DeserializeUnexpectedEnd => RecipeError::Truncated,
        other => RecipeError::Garbage(other.to_string()),
    })?;
    if !rest.is_empty() {
        return Err(RecipeError::TrailingBytes(rest.len()));
    }
    Ok(value)
}
