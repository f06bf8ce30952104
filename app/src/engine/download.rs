//! Downloading the weights with progress, and checking them: size and SHA-256 against the
//! manifest that `basis setup-weights` wrote beside them.

use basis_models::Network;
use js_sys::{Reflect, Uint8Array};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, DedicatedWorkerGlobalScope, ReadableStreamDefaultReader, Response};

use super::mailbox::Outbox;
use crate::protocol::{Event, manifest_url};

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
    network: Network,
    outbox: &Outbox,
) -> Result<Weights, String> {
    let early = early_read(scope).await;
    let manifest_url = manifest_url(network);
    let manifest_text = match early.manifest {
        Some(text) => text,
        None => text(scope, &manifest_url).await?,
    };
    let manifest: Manifest = serde_json::from_str(&manifest_text)
        .map_err(|error| format!("{manifest_url} is not a weights manifest: {error}"))?;
    let url = format!("model/{}", manifest.file);
    if let Some(cached) = early.weights
        && let Ok(weights) = checked(scope, cached, &url, &manifest, outbox).await
    {
        return Ok(weights);
    }
    // Not cached, or the cache holds another release's or a damaged file: download.
    let weights = checked(scope, fetch(scope, &url).await?, &url, &manifest, outbox).await?;
    keep(scope, &weights, &url).await;
    Ok(weights)
}

/// The browser's Cache Storage, where it offers one: a page over plain http from another
/// computer (not a secure context) has none, and its `caches` is undefined rather than an error.
fn cache_storage(scope: &DedicatedWorkerGlobalScope) -> Option<web_sys::CacheStorage> {
    scope
        .caches()
        .ok()
        .filter(|storage| !storage.is_undefined())
}

/// The Cache Storage cache that keeps one weights file for offline visits: the service worker
/// fetches no network's weights at install (a visit downloads only the one it needs), and keeps
/// the caches of its release's weights (`app/cache_manifest.py` lists them).
fn weights_cache(id: &str) -> String {
    format!("basis-weights-{id}")
}

/// Puts checked weights where the next visit (`worker.js`) and the service worker find them. A
/// full disk, or no Cache Storage, only costs offline use.
async fn keep(scope: &DedicatedWorkerGlobalScope, weights: &Weights, url: &str) {
    let Some(storage) = cache_storage(scope) else {
        return;
    };
    let Ok(cache) = JsFuture::from(storage.open(&weights_cache(&weights.id))).await else {
        return;
    };
    let cache: Cache = cache.unchecked_into();
    let body = Uint8Array::from(weights.bytes.as_slice());
    if let Ok(response) = Response::new_with_opt_buffer_source(Some(&body)) {
        let _ = JsFuture::from(cache.put_with_str(url, &response)).await;
    }
}

/// `response`'s bytes, read with progress, if they are the file `manifest` describes.
async fn checked(
    scope: &DedicatedWorkerGlobalScope,
    response: Response,
    url: &str,
    manifest: &Manifest,
    outbox: &Outbox,
) -> Result<Weights, String> {
    let bytes = with_progress(response, url, manifest.bytes, outbox).await?;
    if bytes.len() as u64 != manifest.bytes {
        return Err(format!(
            "the weights download is incomplete: {} of {} bytes",
            bytes.len(),
            manifest.bytes
        ));
    }
    let digest = sha256(scope, &bytes).await;
    let hex = hex::encode(digest);
    if hex != manifest.sha256 {
        return Err(format!(
            "the weights download is corrupt: sha256 {hex}, expected {}",
            manifest.sha256
        ));
    }
    Ok(Weights {
        id: basis_models::weights_id(&digest),
        bytes,
    })
}

/// What `worker.js` read while the wasm compiled (`self.basisCachedWeights`): the manifest's
/// text, and the weights file it names where the offline cache holds one.
#[derive(Default)]
struct EarlyRead {
    manifest: Option<String>,
    weights: Option<Response>,
}

async fn early_read(scope: &DedicatedWorkerGlobalScope) -> EarlyRead {
    let Some(promise) = Reflect::get(scope, &"basisCachedWeights".into())
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    else {
        return EarlyRead::default();
    };
    let Some(found) = JsFuture::from(promise)
        .await
        .ok()
        .filter(JsValue::is_object)
    else {
        return EarlyRead::default();
    };
    let field = |name: &str| Reflect::get(&found, &name.into()).ok();
    EarlyRead {
        manifest: field("manifest").and_then(|m| m.as_string()),
        weights: field("weights").and_then(|w| w.dyn_into::<Response>().ok()),
    }
}

/// The bytes' SHA-256, once for both the check and the id: by the browser's own (WebCrypto,
/// several times faster than hashing 18.5 MB in wasm) where the page is a secure context, else
/// here.
async fn sha256(scope: &DedicatedWorkerGlobalScope, bytes: &[u8]) -> [u8; 32] {
    match browser_sha256(scope, bytes).await {
        Some(digest) => digest,
        None => Sha256::digest(bytes).into(),
    }
}

/// `crypto.subtle.digest("SHA-256", bytes)`; `None` where there is no `crypto.subtle` (a page
/// served over plain HTTP from another machine) or it fails.
async fn browser_sha256(scope: &DedicatedWorkerGlobalScope, bytes: &[u8]) -> Option<[u8; 32]> {
    let subtle = Reflect::get(
        &Reflect::get(scope, &"crypto".into()).ok()?,
        &"subtle".into(),
    )
    .ok()
    .filter(|s| s.is_object())?;
    let digest: js_sys::Function = Reflect::get(&subtle, &"digest".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise = digest
        .call2(&subtle, &"SHA-256".into(), &Uint8Array::from(bytes))
        .ok()?;
    let buffer = JsFuture::from(js_sys::Promise::from(promise)).await.ok()?;
    Uint8Array::new(&buffer).to_vec().try_into().ok()
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
    let Some(storage) = cache_storage(scope) else {
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

/// Reads `url`'s body chunk by chunk so the page can show bytes / total.
async fn with_progress(
    response: Response,
    url: &str,
    total: u64,
    outbox: &Outbox,
) -> Result<Vec<u8>, String> {
    let body = response
        .body()
        .ok_or_else(|| format!("{url} has no body"))?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::with_capacity(total as usize);
    outbox.send(&Event::Loading { loaded: 0, total });
    // A read from the cache comes in hundreds of small chunks: the page hears of every 2%.
    let mut told = 0;
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
        let at = bytes.len();
        bytes.resize(at + value.length() as usize, 0);
        value.copy_to(&mut bytes[at..]);
        if (bytes.len() - told) as u64 * 50 >= total {
            told = bytes.len();
            outbox.send(&Event::Loading {
                loaded: told as u64,
                total,
            });
        }
    }
    outbox.send(&Event::Loading {
        loaded: bytes.len() as u64,
        total,
    });
    Ok(bytes)
}
