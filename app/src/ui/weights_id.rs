//! A network's weights id as its manifest states it (the id every link pins), for a page that
//! makes links for a network its engine does not run: the engine computes the same id from the
//! bytes it checks against the same manifest.

use basis_models::Network;
use serde::Deserialize;

use crate::protocol::manifest_url;

/// The part of a network's manifest the page needs: its weights' id, which links name.
#[derive(Deserialize)]
struct Manifest {
    hash: String,
}

/// The weights id of `network`, from its manifest, or why it could not be read.
pub async fn weights_of(network: Network) -> Result<String, String> {
    super::fetched::json::<Manifest>(&manifest_url(network))
        .await
        .map(|m| m.hash)
}
