//! JSON the page reads from its own server (manifests, the photo list), with a failure said in
//! words that name the file.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `url`'s body as `T`, or why it could not be read.
pub async fn json<T: DeserializeOwned>(url: &str) -> Result<T, String> {
    let failed = |why: String| format!("{url} could not be read ({why})");
    let response = JsFuture::from(window().fetch_with_str(url))
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
    serde_json::from_str(&text).map_err(|e| failed(e.to_string()))
}

/// What a failed promise said, in words.
fn said(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "no reason given".into())
}
