//! Downloading the weights with progress, and checking them: size and SHA-256 against the
//! manifest that `basis setup-weights` wrote beside them.

use js_sys::{Reflect, Uint8Array};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, DedicatedWorkerGlobalScope, ReadableStreamDefaultReader, Response};

use super::mailbox::Outbox;
use crate::protocol::Event;

const MANIFEST_URL: &str = "model/manifest.json";

#[derive(Deserialize)]
struct Manifest {
    file: String,
    bytes: u64,
    sha256: String,
}

/// Checked weights, and the id recipes use for them: computed from these very bytes.
pub struct Weights {
    pub bytes: Vec<u8>,
    pub id: String,
}

pub async fn weights(
    scope: &DedicatedWorkerGlobalScope,
    outbox: &Outbox,
) -> Result<Weights, String> {
    let manifest: Manifest = serde_json::from_str(&text(scope, MANIFEST_URL).await?)
        .map_err(|error| format!("{MANIFEST_URL} is not a weights manifest: {error}"))?;
    let url = format!("model/{}", manifest.file);
    let bytes = with_progress(scope, &url, manifest.bytes, outbox).await?;
    verify(&bytes, manifest.bytes, &manifest.sha256)?;
    Ok(Weights {
        id: basis_models::weights_hash(&bytes),
        bytes,
    })
}

fn verify(bytes: &[u8], size: u64, sha256: &str) -> Result<(), String> {
    if bytes.len() as u64 != size {
        return Err(format!(
            "the weights download is incomplete: {} of {size} bytes",
            bytes.len()
        ));
    }
    let digest = hex::encode(Sha256::digest(bytes));
    if digest != sha256 {
        return Err(format!(
            "the weights download is corrupt: sha256 {digest}, expected {sha256}"
        ));
    }
    Ok(())
}

pub fn error_text(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| js_sys::Error::from(error).message().as_string())
        .unwrap_or_else(|| "unknown error".into())
}

async fn fetch(scope: &DedicatedWorkerGlobalScope, url: &str) -> Result<Response, String> {
    let response: Response = JsFuture::from(scope.fetch_with_str(url))
        .await
        .map_err(|error| format!("cannot download {url}: {}", error_text(error)))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("cannot download {url}: HTTP {}", response.status()));
    }
    Ok(response)
}

pub async fn bytes(scope: &DedicatedWorkerGlobalScope, url: &str) -> Result<Vec<u8>, String> {
    let response = fetch(scope, url).await?;
    let buffer = JsFuture::from(response.array_buffer().map_err(error_text)?)
        .await
        .map_err(|error| format!("downloading {url}: {}", error_text(error)))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// `url`'s bytes from the Cache Storage cache `cache`, downloaded and put there the first time, so
/// files the service worker does not fetch at install (the large pool's photos) stay for offline
/// use. Where the browser offers no Cache Storage, they are simply downloaded.
pub async fn kept_bytes(
    scope: &DedicatedWorkerGlobalScope,
    cache: &str,
    url: &str,
) -> Result<Vec<u8>, String> {
    let Ok(storage) = scope.caches() else {
        return bytes(scope, url).await;
    };
    let cache: Cache = JsFuture::from(storage.open(cache))
        .await
        .map_err(|error| format!("cannot open the offline cache: {}", error_text(error)))?
        .unchecked_into();
    let hit = JsFuture::from(cache.match_with_str(url))
        .await
        .map_err(|error| format!("cannot read the offline cache: {}", error_text(error)))?;
    let response: Response = if hit.is_undefined() {
        let response = fetch(scope, url).await?;
        let copy = response.clone().map_err(error_text)?;
        // A full disk only costs offline use: the photo itself is here.
        let _ = JsFuture::from(cache.put_with_str(url, &copy)).await;
        response
    } else {
        hit.unchecked_into()
    };
    let buffer = JsFuture::from(response.array_buffer().map_err(error_text)?)
        .await
        .map_err(|error| format!("downloading {url}: {}", error_text(error)))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

pub async fn text(scope: &DedicatedWorkerGlobalScope, url: &str) -> Result<String, String> {
    let response = fetch(scope, url).await?;
    let text = response.text().map_err(error_text)?;
    JsFuture::from(text)
        .await
        .map_err(error_text)?
        .as_string()
        .ok_or_else(|| format!("{url} is not text"))
}

/// Reads the body chunk by chunk so the page can show bytes / total.
async fn with_progress(
    scope: &DedicatedWorkerGlobalScope,
    url: &str,
    total: u64,
    outbox: &Outbox,
) -> Result<Vec<u8>, String> {
    let response = fetch(scope, url).await?;
    let body = response
        .body()
        .ok_or_else(|| format!("{url} has no body"))?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::with_capacity(total as usize);
    outbox.send(&Event::Loading { loaded: 0, total });
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|error| format!("downloading {url}: {}", error_text(error)))?;
        if Reflect::get(&chunk, &"done".into())
            .map(|done| done.is_truthy())
            .unwrap_or(true)
        {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .map_err(error_text)?
            .unchecked_into();
        bytes.extend_from_slice(&value.to_vec());
        outbox.send(&Event::Loading {
            loaded: bytes.len() as u64,
            total,
        });
    }
    Ok(bytes)
}
