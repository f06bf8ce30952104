//! The user's photos kept across visits when they ask for it: IndexedDB, in this browser only,
//! each photo's bytes under its file name. Only photos the pool accepted are kept.

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DedicatedWorkerGlobalScope, IdbDatabase, IdbObjectStore, IdbRequest, IdbTransactionMode,
};

const DATABASE: &str = "basis";
const STORE: &str = "kept-photos";
const VERSION: u32 = 1;

fn text(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"))
}

/// Waits for a request to succeed and gives its result.
async fn done(request: &IdbRequest) -> Result<JsValue, String> {
    let promise = Promise::new(&mut |resolve, reject| {
        let succeeded = request.clone();
        request.set_onsuccess(Some(
            Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::NULL, &succeeded.result().unwrap_or_default());
            })
            .unchecked_ref(),
        ));
        let failed = request.clone();
        request.set_onerror(Some(
            Closure::once_into_js(move || {
                let why = failed
                    .error()
                    .ok()
                    .flatten()
                    .map_or("unknown error".to_owned(), |e| e.message());
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&why));
            })
            .unchecked_ref(),
        ));
    });
    JsFuture::from(promise).await.map_err(text)
}

async fn open(scope: &DedicatedWorkerGlobalScope) -> Result<IdbDatabase, String> {
    let factory = scope
        .indexed_db()
        .map_err(text)?
        .ok_or("this browser offers no IndexedDB (a private window may turn it off)")?;
    let request = factory.open_with_u32(DATABASE, VERSION).map_err(text)?;
    let upgrading = request.clone();
    request.set_onupgradeneeded(Some(
        Closure::once_into_js(move || {
            if let Some(database) = upgrading
                .result()
                .ok()
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
            {
                let _ = database.create_object_store(STORE);
            }
        })
        .unchecked_ref(),
    ));
    done(&request).await?.dyn_into().map_err(text)
}

async fn store(
    scope: &DedicatedWorkerGlobalScope,
    mode: IdbTransactionMode,
) -> Result<IdbObjectStore, String> {
    open(scope)
        .await?
        .transaction_with_str_and_mode(STORE, mode)
        .and_then(|transaction| transaction.object_store(STORE))
        .map_err(text)
}

/// Keeps a photo (replacing one of the same name).
pub async fn keep(
    scope: &DedicatedWorkerGlobalScope,
    name: &str,
    bytes: &[u8],
) -> Result<(), String> {
    let store = store(scope, IdbTransactionMode::Readwrite).await?;
    let request = store
        .put_with_key(&Uint8Array::from(bytes), &JsValue::from_str(name))
        .map_err(text)?;
    done(&request).await.map(|_| ())
}

/// Every kept photo, by name.
pub async fn load(scope: &DedicatedWorkerGlobalScope) -> Result<Vec<(String, Vec<u8>)>, String> {
    let store = store(scope, IdbTransactionMode::Readonly).await?;
    // Both lists come in key order.
    let names: Array = done(&store.get_all_keys().map_err(text)?).await?.into();
    let files: Array = done(&store.get_all().map_err(text)?).await?.into();
    Ok(names
        .iter()
        .zip(files.iter())
        .filter_map(|(name, bytes)| {
            Some((
                name.as_string()?,
                bytes.dyn_into::<Uint8Array>().ok()?.to_vec(),
            ))
        })
        .collect())
}

/// The kept photos' names.
pub async fn names(scope: &DedicatedWorkerGlobalScope) -> Result<Vec<String>, String> {
    let store = store(scope, IdbTransactionMode::Readonly).await?;
    let names: Array = done(&store.get_all_keys().map_err(text)?).await?.into();
    Ok(names.iter().filter_map(|name| name.as_string()).collect())
}

/// Forgets every kept photo.
pub async fn forget(scope: &DedicatedWorkerGlobalScope) -> Result<(), String> {
    let store = store(scope, IdbTransactionMode::Readwrite).await?;
    done(&store.clear().map_err(text)?).await.map(|_| ())
}
