//! The large photo pool in the worker: the hundreds of photos `basis setup-weights` prepares,
//! downloaded when a meter first asks for them (the service worker then keeps them offline), and
//! measured a few photos at a time, between the live view's steps. A tap's statistics keep only
//! the rows they read (`privileged::Gathered`), so a wide tap on the whole pool never sits in
//! memory; the crops, the seed and the order are `basis stats --photos public/pool`'s, so both
//! print the same numbers.

use std::collections::HashMap;

use basis_featvis::pool::{self, CROPS_PER_PHOTO, Cropper};
use basis_featvis::privileged::Gathered;
use basis_models::{EfficientNetLite, Network, TapId};
use burn::tensor::Device;
use serde::Deserialize;
use web_sys::DedicatedWorkerGlobalScope;

use super::download;
use super::mailbox::Outbox;
use super::pool::meter_of;
use crate::protocol::{Event, Meter, Photos};

const LIST_URL: &str = "model/pool.json";
/// Photos fetched, or put through the network, per turn: a turn stays well under a second.
const PHOTOS_PER_TURN: usize = 2;

#[derive(Deserialize)]
struct List {
    /// Changes whenever the photos do: names the offline cache they are kept in.
    stamp: String,
    photos: Vec<Listed>,
}

#[derive(Deserialize)]
struct Listed {
    name: String,
}

#[derive(Default)]
pub struct LargePool {
    /// The pool's photo names, in the list's (name) order, once the list is read.
    names: Option<Vec<String>>,
    /// The Cache Storage cache its photos are kept in (the service worker keeps it too).
    cache: String,
    /// The photos downloaded so far, as JPEG bytes (the pool is a few MB this way, not the
    /// hundreds of MB its crops would take).
    jpegs: Vec<Vec<u8>>,
    /// Layers asked for and not yet measured; the newest ask goes next.
    asked: Vec<String>,
    measuring: Option<Measuring>,
    meters: HashMap<String, Meter>,
}

/// A layer part-way through the pool.
struct Measuring {
    layer: String,
    tap: TapId,
    cropper: Cropper,
    next_photo: usize,
    gathered: Option<Gathered>,
}

impl LargePool {
    pub fn ask_meter(&mut self, layer: String) {
        self.asked.retain(|l| *l != layer);
        self.asked.push(layer);
    }

    /// Every layer, stem first; a single layer asked later still goes before the rest.
    pub fn ask_profile(&mut self, network: Network) {
        // `asked` is taken from its end: the profile goes in front of the single layers asked.
        for layer in network.layers() {
            if !self.asked.contains(&layer.name) {
                self.asked.insert(0, layer.name.clone());
            }
        }
    }

    pub fn has_work(&self) -> bool {
        !self.asked.is_empty() || self.measuring.is_some()
    }

    /// One turn's worth: reading the list, downloading a few photos, or putting a few through
    /// the network. A failure is reported and drops what was asked.
    pub async fn work(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
        outbox: &Outbox,
        model: &EfficientNetLite,
        device: &Device,
    ) {
        if let Err(message) = self.turn(scope, outbox, model, device).await {
            self.asked.clear();
            self.measuring = None;
            outbox.send(&Event::LargePoolFailed {
                message: format!("The large photo pool could not be measured: {message}"),
            });
        }
    }

    async fn turn(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
        outbox: &Outbox,
        model: &EfficientNetLite,
        device: &Device,
    ) -> Result<(), String> {
        let Some(names) = &self.names else {
            let list = list(scope).await?;
            self.cache = format!("basis-pool-{}", &list.stamp[..list.stamp.len().min(16)]);
            self.names = Some(list.photos.into_iter().map(|p| p.name).collect());
            return Ok(());
        };
        if self.jpegs.len() < names.len() {
            let start = self.jpegs.len();
            for name in &names[start..(start + PHOTOS_PER_TURN).min(names.len())] {
                let url = format!("pool/{name}");
                self.jpegs
                    .push(download::kept_bytes(scope, &self.cache, &url).await?);
            }
            outbox.send(&Event::LargePoolDownload {
                done: self.jpegs.len() as u32,
                total: names.len() as u32,
            });
            return Ok(());
        }
        if self.measuring.is_none() {
            let Some(layer) = self.asked.pop() else {
                return Ok(());
            };
            if let Some(meter) = self.meters.get(&layer) {
                send_meter(outbox, &layer, meter.clone());
                return Ok(());
            }
            let tap = model.network().tap(&layer).map_err(|e| e.to_string())?;
            self.measuring = Some(Measuring {
                layer,
                tap,
                cropper: Cropper::new(CROPS_PER_PHOTO, pool::SEED),
                next_photo: 0,
                gathered: None,
            });
        }
        let run = self.measuring.as_mut().expect("set above");
        let photos = names.len();
        let end = (run.next_photo + PHOTOS_PER_TURN).min(photos);
        let mut crops = Vec::with_capacity((end - run.next_photo) * CROPS_PER_PHOTO);
        for (name, jpeg) in names[run.next_photo..end]
            .iter()
            .zip(&self.jpegs[run.next_photo..end])
        {
            let photo = image::load_from_memory(jpeg)
                .map_err(|error| format!("pool/{name} is not a usable photo: {error}"))?
                .to_rgb8();
            crops.extend(run.cropper.cut(&photo).into_iter().map(|(_, crop)| crop));
        }
        let photo_of_crop: Vec<usize> = (0..photos).flat_map(|p| [p; CROPS_PER_PHOTO]).collect();
        let (gathered, tap) = (&mut run.gathered, run.tap);
        pool::each_batch(
            model,
            device,
            &crops,
            tap,
            |grid, rows| {
                gathered
                    .get_or_insert_with(|| {
                        Gathered::new(&photo_of_crop, grid * grid, tap.channels(), pool::SEED)
                    })
                    .push(rows)
            },
            |_| {},
        )
        .await
        .map_err(|e| e.to_string())?;
        run.next_photo = end;
        outbox.send(&Event::PoolProgress {
            layer: run.layer.clone(),
            photos: Photos::Large,
            done: (end * CROPS_PER_PHOTO) as u32,
            total: (photos * CROPS_PER_PHOTO) as u32,
        });
        if end == photos {
            let run = self.measuring.take().expect("under way");
            let gathered = run.gathered.ok_or("the pool has no photos")?;
            let meter = meter_of(gathered.profile(pool::SEED));
            self.meters.insert(run.layer.clone(), meter.clone());
            send_meter(outbox, &run.layer, meter);
        }
        Ok(())
    }
}

fn send_meter(outbox: &Outbox, layer: &str, meter: Meter) {
    outbox.send(&Event::Meter {
        layer: layer.to_owned(),
        photos: Photos::Large,
        meter: Box::new(meter),
    });
}

async fn list(scope: &DedicatedWorkerGlobalScope) -> Result<List, String> {
    let text = download::text(scope, LIST_URL).await.map_err(|e| {
        format!("{e} (the site was built without `basis setup-weights`' large pool)")
    })?;
    let list: List = serde_json::from_str(&text)
        .map_err(|error| format!("{LIST_URL} is not a photo list: {error}"))?;
    if list.photos.is_empty() {
        return Err(format!("{LIST_URL} lists no photos"));
    }
    Ok(list)
}
