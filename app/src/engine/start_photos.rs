//! What pictures start from (feature accentuation: a shipped photo a link names, or the user's
//! own photo, which stays in this worker — no link carries it).

use basis_recipe::Start;
use image::RgbImage;
use web_sys::DedicatedWorkerGlobalScope;

use super::pool;
use super::shipped::ShippedPhotos;

pub struct StartPhotos {
    shipped: ShippedPhotos,
    /// The user's photo, or why it was refused.
    own: Option<Result<RgbImage, String>>,
}

impl StartPhotos {
    pub fn new(shipped: ShippedPhotos) -> Self {
        Self { shipped, own: None }
    }

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
                let shipped = self.shipped.get(scope).await?;
                let image = shipped.named(photo).ok_or_else(|| {
                    format!(
                        "start: {photo} is not a photo of the pool (it has {})",
                        shipped.names.join(", ")
                    )
                })?;
                Ok(Some(image.clone()))
            }
        }
    }
}
