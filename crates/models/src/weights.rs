//! The weights file: a burnpack of the folded network, loaded the same way natively and in the
//! browser, and named by its hash so a permalink records which weights made an image.

use burn::module::Module;
use burn::store::{BurnpackStore, ModuleSnapshot};
use burn::tensor::{Bytes, Device};
use sha2::{Digest, Sha256};

use crate::efficientnet::EfficientNetLite;
use crate::network::Network;

#[derive(Debug, thiserror::Error)]
pub enum WeightsError {
    #[error("not a readable weights file: {0}")]
    Unreadable(String),
    #[error("the weights file lacks {count} tensors, e.g. `{first}`")]
    Missing { count: usize, first: String },
    #[error("the weights file has tensors of the wrong shape or type: {0}")]
    Invalid(String),
}

/// First 16 hex digits of the file's SHA-256: short enough for a URL, long enough to tell
/// weights files apart.
pub fn weights_hash(bytes: &[u8]) -> String {
    weights_id(&Sha256::digest(bytes).into())
}

/// [`weights_hash`] from the file's SHA-256, for a caller that has the digest already.
pub fn weights_id(sha256: &[u8; 32]) -> String {
    hex::encode(&sha256[..8])
}

/// Builds `network` on `device` from a weights file's bytes. Parameters are frozen: feature
/// visualization differentiates with respect to the image only. Another network's file is
/// refused (its tensors have other shapes, or other blocks).
pub fn load_weights(
    network: Network,
    bytes: Vec<u8>,
    device: &Device,
) -> Result<EfficientNetLite, WeightsError> {
    let mut model = EfficientNetLite::new(network, device);
    let mut store = BurnpackStore::from_bytes(Some(Bytes::from_bytes_vec(bytes)));
    let result = model
        .load_from(&mut store)
        .map_err(|error| WeightsError::Unreadable(error.to_string()))?;
    if let Some((first, _)) = result.missing.first() {
        return Err(WeightsError::Missing {
            count: result.missing.len(),
            first: first.clone(),
        });
    }
    if !result.errors.is_empty() {
        let errors: Vec<String> = result
            .errors
            .iter()
            .map(|error| format!("{error:?}"))
            .collect();
        return Err(WeightsError::Invalid(errors.join("; ")));
    }
    Ok(model.no_grad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_the_first_eight_bytes_of_the_sha256_in_hex() {
        // SHA-256("abc") = ba7816bf 8f01cfea 414140de … (FIPS 180-2, appendix B.1).
        assert_eq!(weights_hash(b"abc"), "ba7816bf8f01cfea");
        assert_eq!(
            weights_id(&Sha256::digest(b"abc").into()),
            "ba7816bf8f01cfea"
        );
    }
}
