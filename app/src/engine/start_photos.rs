//! The shipped photos by name, fetched once each: what pictures start from (feature
//! accentuation: a pool photo a link names, or the user's own photo, which stays in this worker —
//! no link carries it) and what learned directions are learned from.

use std::collections::HashMap;

use basis_recipe::Start;
use image::RgbImage;
use serde::Deserialize;
use web_sys::DedicatedWorkerGlobalScope;

use super::{download, pool};

const LIST_URL: &str = "model/photos.json";

#[derive(Deserialize)]
struct List {
    photos: Vec<String>,
}

#[derive(Default)]
pub struct StartPhotos {
    /// The pool's photo names, read once.
    names: Option<Vec<String>>,
    pool: HashMap<String, RgbImage>,
    /// The user's photo, or why it was refused.
    own: Option<Result<RgbImage, String>>,
}

impl StartPhotos {
    /// Keeps the user's photo for pictures that start from `own`, or why it cannot be one.
    pub fn set_own(&mut self, name: &str, bytes: &[u8]) -> Result<(), String> {
        let checked = pool::check_photo(name, bytes);
        let answer = checked.as_ref().map(|_| ()).map_err(Clone::clone);
        self.own = Some(checked);
        answer
    }

    /// The photo `start` names; `None` for noise.
    pub async fn photo(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
        start: &Start,
    ) -> Result<Option<RgbImage>, String> {
        match start {
            Start::Noise => Ok(None),
            Start::Own { .. } => match &self.own {
                Some(Ok(photo)) => Ok(Some(photo.clone())),
                Some(Err(why)) => Err(format!("start: your photo cannot be used: {why}")),
                None => Err(
                    "start: this picture starts from a photo of one's own, which links never carry; choose a photo of yours under “Start from”"
                        .into(),
                ),
            },
            Start::Pool { photo, .. } => {
                if let Some(known) = self.pool.get(photo) {
                    return Ok(Some(known.clone()));
                }
                let names = self.names(scope).await?;
                if !names.contains(photo) {
                    return Err(format!(
                        "start: {photo} is not a photo of the pool (it has {})",
                        names.join(", ")
                    ));
                }
                let bytes = download::bytes(scope, &format!("photos/{photo}")).await?;
                let image = pool::check_photo(photo, &bytes)?;
                self.pool.insert(photo.clone(), image.clone());
                Ok(Some(image))
            }
        }
    }

    /// Every photo of the shipped pool, in its list's (file-name) order: what learned directions
    /// are learned from, never the user's.
    pub async fn shipped(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
    ) -> Result<Vec<RgbImage>, String> {
        let mut photos = Vec::new();
        for name in self.names(scope).await? {
            let start = Start::pool(name);
            photos.extend(self.photo(scope, &start).await?);
        }
        Ok(photos)
    }

    async fn names(&mut self, scope: &DedicatedWorkerGlobalScope) -> Result<Vec<String>, String> {
        if let Some(names) = &self.names {
            return Ok(names.clone());
        }
        let list: List = serde_json::from_str(&download::text(scope, LIST_URL).await?)
            .map_err(|error| format!("{LIST_URL} is not a photo list: {error}"))?;
        self.names = Some(list.photos.clone());
        Ok(list.photos)
    }
}
