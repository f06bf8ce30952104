//! The photo pool in the worker: the photos fetched and cut into crops once (as `basis stats` and
//! `basis examples` cut them), their activations computed on the engine's device once per layer
//! and sent to the page, which ranks crops for any direction by itself.

use basis_featvis::pool::{self, CROP};
use basis_models::{EfficientNetLite0, TapId};
use burn::tensor::Device;
use image::RgbImage;
use js_sys::{Float32Array, Uint8Array};
use serde::Deserialize;
use web_sys::DedicatedWorkerGlobalScope;

use super::download;
use super::mailbox::Outbox;
use crate::protocol::{Event, Interval, Meter};

const LIST_URL: &str = "model/photos.json";
/// The CLI's defaults, so the app shows what `basis examples` prints.
const CROPS_PER_PHOTO: usize = 4;

#[derive(Deserialize)]
struct List {
    photos: Vec<String>,
}

#[derive(Default)]
pub struct Pool {
    crops: Option<Vec<RgbImage>>,
}

impl Pool {
    /// Sends the crops (the first time) and the activations at `layer`.
    pub async fn answer(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
        outbox: &Outbox,
        model: &EfficientNetLite0,
        device: &Device,
        layer: &str,
    ) -> Result<(), String> {
        let tap = TapId::from_name(layer).map_err(|e| e.to_string())?;
        if self.crops.is_none() {
            self.crops = Some(load(scope, outbox).await?);
        }
        let crops = self.crops.as_ref().expect("just loaded");
        let total = crops.len() as u32;
        let acts = pool::activations(model, device, crops, tap, |done| {
            outbox.send(&Event::PoolProgress {
                layer: layer.to_owned(),
                done: done.min(total as usize) as u32,
                total,
            })
        })
        .await
        .map_err(|e| e.to_string())?;
        let profile = basis_featvis::privileged::profile(&acts.values, acts.channels, pool::SEED);
        let interval = |a: basis_featvis::privileged::Auc| Interval {
            value: a.value,
            low: a.low,
            high: a.high,
        };
        let meter = Meter {
            kurtosis_auc: interval(profile.kurtosis_auc),
            hoyer_auc: interval(profile.hoyer_auc),
            vector_kurtosis: profile.vector_kurtosis,
            vector_kurtosis_rotated: profile.vector_kurtosis_rotated,
            slider: profile.slider,
            basis_kurtosis: profile.basis_kurtosis,
            random_kurtosis: profile.random_kurtosis,
        };
        outbox.send(&Event::Meter {
            layer: layer.to_owned(),
            meter,
        });
        let array = Float32Array::from(acts.values.as_slice());
        outbox.send_with(
            &Event::PoolActivations {
                layer: layer.to_owned(),
                channels: acts.channels as u32,
                grid: acts.grid as u32,
            },
            &array,
            &array.buffer(),
        );
        Ok(())
    }
}

async fn load(
    scope: &DedicatedWorkerGlobalScope,
    outbox: &Outbox,
) -> Result<Vec<RgbImage>, String> {
    let list: List = serde_json::from_str(&download::text(scope, LIST_URL).await?)
        .map_err(|error| format!("{LIST_URL} is not a photo list: {error}"))?;
    let mut photos = Vec::with_capacity(list.photos.len());
    for name in &list.photos {
        let bytes = download::bytes(scope, &format!("photos/{name}")).await?;
        let image = image::load_from_memory(&bytes)
            .map_err(|error| format!("photos/{name} is not a usable photo: {error}"))?;
        photos.push(image.to_rgb8());
    }
    let crops = pool::crops(&photos, CROPS_PER_PHOTO, pool::SEED);
    let names = crops
        .iter()
        .map(|(c, _)| list.photos[c.photo].clone())
        .collect();
    let rgba: Vec<u8> = crops
        .iter()
        .flat_map(|(_, image)| image.pixels().flat_map(|p| [p[0], p[1], p[2], 255]))
        .collect();
    let pixels = Uint8Array::from(rgba.as_slice());
    outbox.send_with(
        &Event::PoolCrops {
            size: CROP,
            photos: names,
        },
        &pixels,
        &pixels.buffer(),
    );
    Ok(crops.into_iter().map(|(_, image)| image).collect())
}
