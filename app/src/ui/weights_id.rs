//! A network's weights id as its manifest states it (the id every link pins), for a page that
//! makes links for a network its engine does not run: the engine computes the same id from the
//! bytes it checks against the same manifest.

use basis_models::Network;
use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::protocol::manifest_url;

/// The part of a network's manifest the page needs: its weights' id, which links name.
#[derive(Deserialize)]
struct Manifest {
    hash: String,
}

/// The weights id of `network`, from its manifest, or why it could not be read.
pub async fn weights_of(network: Network) -> Result<String, String> {
    let url = manifest_url(network);
    let failed = |why: String| format!("{url} could not be read ({why})");
    let response = JsFuture::from(window().fetch_with_str(&url))
        .await
        .map_err(|e| failed(said(e)))?
        .unchecked_into::<web_sys::Response>();
    if !response.ok() {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    let text = JsFuture::from(response.text().map_err(|e| failed(said(e)))?)
        .await
        .map_err(|e| failed(said(e)))?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str::<Manifest>(&text)
        .map(|m| m.hash)
        .map_err(|e| failed(e.to_string()))
}

/// What a failed promise said, in words.
fn said(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "no reason given".into())
}
