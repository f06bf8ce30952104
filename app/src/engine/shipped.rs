//! The shipped photos (`model/photos.json`'s list, each at `photos/NAME`), fetched and decoded
//! once per worker and shared by everything that reads them: the photo pool, the photos pictures
//! start from, and the photos directions are learned from.

use std::cell::RefCell;
use std::rc::Rc;

use image::RgbImage;
use serde::Deserialize;
use web_sys::DedicatedWorkerGlobalScope;

use super::{download, pool};

const LIST_URL: &str = "model/photos.json";

#[derive(Deserialize)]
struct List {
    photos: Vec<String>,
}

/// The shipped photos, in the list's (file-name) order.
pub struct Shipped {
    pub names: Vec<String>,
    pub photos: Vec<RgbImage>,
}

impl Shipped {
    /// The photo called `name`, if the pool has it.
    pub fn named(&self, name: &str) -> Option<&RgbImage> {
        let at = self.names.iter().position(|n| n == name)?;
        self.photos.get(at)
    }
}

/// A handle to the worker's one copy; clones share it.
#[derive(Clone, Default)]
pub struct ShippedPhotos(Rc<RefCell<Option<Rc<Shipped>>>>);

impl ShippedPhotos {
    /// The shipped photos, fetched the first time. No borrow is held across the download: two
    /// callers at once each fetch, and the later one's copy is kept (they are the same).
    pub async fn get(&self, scope: &DedicatedWorkerGlobalScope) -> Result<Rc<Shipped>, String> {
        if let Some(known) = self.0.borrow().clone() {
            return Ok(known);
        }
        let loaded = Rc::new(load(scope).await?);
        *self.0.borrow_mut() = Some(loaded.clone());
        Ok(loaded)
    }
}

async fn load(scope: &DedicatedWorkerGlobalScope) -> Result<Shipped, String> {
    let list: List = serde_json::from_str(&download::text(scope, LIST_URL).await?)
        .map_err(|error| format!("{LIST_URL} is not a photo list: {error}"))?;
    let mut photos = Vec::with_capacity(list.photos.len());
    for name in &list.photos {
        let bytes = download::bytes(scope, &format!("photos/{name}")).await?;
        photos.push(pool::check_photo(&format!("photos/{name}"), &bytes)?);
    }
    Ok(Shipped {
        names: list.photos,
        photos,
    })
}
