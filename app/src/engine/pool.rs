//! The photo pool in the worker: the photos fetched and cut into crops once (as `basis stats` and
//! `basis examples` cut them), their activations computed on the engine's device once per layer
//! and sent to the page, which ranks crops for any direction by itself.

use basis_featvis::pool::{self, CROP, CROPS_PER_PHOTO};
use basis_featvis::privileged;
use basis_models::{EfficientNetLite, Network, TapId};
use burn::tensor::Device;
use image::RgbImage;
use js_sys::{Float32Array, Uint8Array};
use web_sys::DedicatedWorkerGlobalScope;

use super::kept;
use super::mailbox::Outbox;
use super::shipped::{Shipped, ShippedPhotos};
use crate::protocol::{Event, Interval, LearnedArm, Meter, Photos};

/// What the activations cache may hold. The widest map, `block1.expand`'s (96 channels at
/// 112 × 112 per crop), takes 154 MB for the shipped pool; the newest entry is always kept.
const CACHE_BYTES: usize = 160 << 20;

/// Larger files are refused before decoding: a phone photo is a few MB.
const MAX_FILE_BYTES: usize = 30_000_000;
const MAX_PIXELS: u64 = 50_000_000;

#[derive(Default)]
pub struct Pool {
    shipped: ShippedPhotos,
    crops: Option<Vec<RgbImage>>,
    /// The photo each crop came from: its name, and its index among the pool's photos (two of a
    /// user's photos may share a name).
    names: Vec<String>,
    photo_of_crop: Vec<usize>,
    last_layer: Option<String>,
    /// The user's photos the pool accepted in this visit, kept in this browser when `keep`.
    added: Vec<(String, Vec<u8>)>,
    keep: bool,
    /// Each layer's meter for the current pool: the profile's Haar matrix and bootstrap are the
    /// costly part (seconds at the head on the wasm CPU), so a layer is measured once per pool.
    meters: std::collections::HashMap<String, Meter>,
    /// Recently computed activations, newest last, within [`CACHE_BYTES`]: going back to a layer
    /// shows its examples at once.
    cache: Vec<(String, std::rc::Rc<pool::Activations>)>,
    /// What the page asked for and the engine has not done yet, done between steps.
    pending: Pending,
}

impl Pool {
    /// A pool of `shipped`'s photos (then the user's).
    pub fn new(shipped: ShippedPhotos) -> Self {
        Self {
            shipped,
            ..Self::default()
        }
    }
}

#[derive(Default)]
struct Pending {
    /// Keep the user's photos across visits, or forget them.
    keep: Option<bool>,
    /// The user's photos to add: file names and bytes.
    photos: Vec<(String, Vec<u8>)>,
    /// Only the newest layer's examples matter.
    examples: Option<String>,
    /// Layers still to measure for the whole profile, last first.
    profile: Vec<String>,
    /// The layer whose learned arm was asked for last.
    learned: Option<String>,
}

/// Why a user's file cannot join the pool, in words that name it.
pub(super) fn check_photo(name: &str, bytes: &[u8]) -> Result<RgbImage, String> {
    if bytes.is_empty() {
        return Err(format!("{name} is empty (0 bytes), not a photo"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{name} is {:.0} MB; photos up to {} MB are accepted",
            bytes.len() as f64 / 1e6,
            MAX_FILE_BYTES / 1_000_000
        ));
    }
    let format = image::guess_format(bytes)
        .ok()
        .filter(|f| {
            matches!(
                f,
                image::ImageFormat::Png | image::ImageFormat::Jpeg | image::ImageFormat::WebP
            )
        })
        .ok_or_else(|| format!("{name} is not a JPEG, PNG or WebP photo"))?;
    let reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| format!("{name} is damaged or not a complete image ({e})"))?;
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(format!(
            "{name} is {w} × {h} pixels; at most 50 megapixels are accepted"
        ));
    }
    image::load_from_memory_with_format(bytes, format)
        .map(|image| image.to_rgb8())
        .map_err(|e| format!("{name} is damaged or not a complete image ({e})"))
}

impl Pool {
    pub fn ask_examples(&mut self, layer: String) {
        self.pending.examples = Some(layer);
    }

    pub fn ask_profile(&mut self, network: Network) {
        self.pending.profile = network
            .layers()
            .iter()
            .rev()
            .map(|l| l.name.clone())
            .collect();
    }

    /// One layer's meter, before the rest of a profile still pending.
    pub fn ask_meter(&mut self, layer: String) {
        self.pending.profile.push(layer);
    }

    /// One layer's meter with its learned arm: seconds of ICA, so only when asked.
    pub fn ask_learned(&mut self, layer: String) {
        self.pending.learned = Some(layer);
    }

    pub fn ask_to_add(&mut self, name: String, bytes: Vec<u8>) {
        self.pending.photos.push((name, bytes));
    }

    pub fn ask_to_keep(&mut self, keep: bool) {
        self.pending.keep = Some(keep);
    }

    pub fn has_work(&self) -> bool {
        let p = &self.pending;
        p.keep.is_some()
            || !p.photos.is_empty()
            || p.examples.is_some()
            || p.learned.is_some()
            || !p.profile.is_empty()
    }

    /// Does the most urgent pending piece of work — keeping, photos, then examples, then a learned
    /// arm, then one layer of the profile, so steps and commands go on in between — and reports a
    /// failure to the page.
    pub async fn work(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
        outbox: &Outbox,
        model: &EfficientNetLite,
        device: &Device,
    ) {
        let result = if let Some(keep) = self.pending.keep.take() {
            self.set_keep(scope, outbox, keep).await.map_err(|message| {
                format!("Your photos could not be kept in this browser: {message}")
            })
        } else if !self.pending.photos.is_empty() {
            // Each refused photo gets its own message; the others still join.
            for (name, bytes) in std::mem::take(&mut self.pending.photos) {
                if let Err(message) = self.add(scope, outbox, model, device, &name, &bytes).await {
                    outbox.send(&Event::Failed { run: None, message });
                }
            }
            Ok(())
        } else if let Some(layer) = self.pending.examples.take() {
            self.answer(scope, outbox, model, device, &layer, true)
                .await
                .map_err(|message| format!("The photo pool could not be prepared: {message}"))
        } else if let Some(layer) = self.pending.learned.take() {
            self.learn(scope, outbox, model, device, &layer)
                .await
                .map_err(|message| format!("No directions could be learned: {message}"))
        } else if let Some(layer) = self.pending.profile.pop() {
            self.answer(scope, outbox, model, device, &layer, false)
                .await
                .map_err(|message| {
                    self.pending.profile.clear();
                    format!("The layer profile could not be made: {message}")
                })
        } else {
            Ok(())
        };
        if let Err(message) = result {
            outbox.send(&Event::Failed { run: None, message });
        }
    }

    /// Sends the crops (the first time), for examples the activations at `layer`, and the meter
    /// there.
    pub async fn answer(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
        outbox: &Outbox,
        model: &EfficientNetLite,
        device: &Device,
        layer: &str,
        examples: bool,
    ) -> Result<(), String> {
        let tap = model.network().tap(layer).map_err(|e| e.to_string())?;
        if examples {
            self.last_layer = Some(layer.to_owned());
        }
        self.ensure(scope, outbox).await?;
        if !examples && let Some(meter) = self.meters.get(layer) {
            outbox.send(&Event::Meter {
                layer: layer.to_owned(),
                photos: Photos::Shipped,
                meter: Box::new(meter.clone()),
            });
            return Ok(());
        }
        let acts = self.activations(outbox, model, device, layer, tap).await?;
        // The examples and the probe need only the activations: they go first, the meter after.
        if examples {
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
        }
        let meter = match self.meters.get(layer) {
            Some(meter) => meter.clone(),
            None => measure(&acts, &self.photo_of_crop),
        };
        self.keep_meter(outbox, layer, meter);
        Ok(())
    }
}

impl Pool {
    /// `layer`'s meter with its learned arm, kept for the next time it is asked.
    async fn learn(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
        outbox: &Outbox,
        model: &EfficientNetLite,
        device: &Device,
        layer: &str,
    ) -> Result<(), String> {
        let tap = model.network().tap(layer).map_err(|e| e.to_string())?;
        self.ensure(scope, outbox).await?;
        let meter = match self.meters.get(layer) {
            Some(meter) if meter.learned.is_some() => meter.clone(),
            _ => {
                let acts = self.activations(outbox, model, device, layer, tap).await?;
                meter_of(privileged::profile_with_learned(
                    sample(&acts, &self.photo_of_crop),
                    pool::SEED,
                    privileged::LEARNED_COMPONENTS,
                ))
            }
        };
        self.keep_meter(outbox, layer, meter);
        Ok(())
    }

    /// Keeps `layer`'s meter for the next time it is asked, and sends it to the page.
    fn keep_meter(&mut self, outbox: &Outbox, layer: &str, meter: Meter) {
        self.meters.insert(layer.to_owned(), meter.clone());
        outbox.send(&Event::Meter {
            layer: layer.to_owned(),
            photos: Photos::Shipped,
            meter: Box::new(meter),
        });
    }

    async fn set_keep(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
        outbox: &Outbox,
        keep: bool,
    ) -> Result<(), String> {
        self.keep = keep;
        if keep {
            for (name, bytes) in &self.added {
                kept::keep(scope, name, bytes).await?;
            }
        } else {
            kept::forget(scope).await?;
        }
        Self::report_kept(scope, outbox).await
    }

    async fn report_kept(
        scope: &DedicatedWorkerGlobalScope,
        outbox: &Outbox,
    ) -> Result<(), String> {
        outbox.send(&Event::Kept {
            names: kept::names(scope).await?,
        });
        Ok(())
    }

    /// The pool's activations at `tap`, from the cache or computed (with progress events).
    async fn activations(
        &mut self,
        outbox: &Outbox,
        model: &EfficientNetLite,
        device: &Device,
        layer: &str,
        tap: TapId,
    ) -> Result<std::rc::Rc<pool::Activations>, String> {
        if let Some(at) = self.cache.iter().position(|(l, _)| l == layer) {
            let entry = self.cache.remove(at);
            let acts = entry.1.clone();
            self.cache.push(entry);
            return Ok(acts);
        }
        let crops = self
            .crops
            .as_ref()
            .expect("loaded before activations are asked");
        let total = crops.len() as u32;
        let mut watch = super::log::Stopwatch::start();
        let acts = pool::activations(model, device, crops, tap, |done| {
            outbox.send(&Event::PoolProgress {
                layer: layer.to_owned(),
                photos: Photos::Shipped,
                done: done.min(total as usize) as u32,
                total,
            })
        })
        .await
        .map_err(|e| e.to_string())?;
        watch.lap(&format!(
            "ran the photo pool through the network to {layer}"
        ));
        let acts = std::rc::Rc::new(acts);
        self.cache.push((layer.to_owned(), acts.clone()));
        let bytes = |cache: &[(String, std::rc::Rc<pool::Activations>)]| {
            cache.iter().map(|(_, a)| a.values.len() * 4).sum::<usize>()
        };
        while self.cache.len() > 1 && bytes(&self.cache) > CACHE_BYTES {
            self.cache.remove(0);
        }
        Ok(acts)
    }

    /// Cuts a photo into crops and adds them to the pool.
    fn add_crops(&mut self, name: &str, photo: &RgbImage) {
        let index = self.photo_of_crop.last().map_or(0, |last| last + 1);
        let crops = self.crops.get_or_insert_with(Vec::new);
        for (_, crop) in pool::crops(std::slice::from_ref(photo), CROPS_PER_PHOTO, pool::SEED) {
            crops.push(crop);
            self.names.push(name.to_owned());
            self.photo_of_crop.push(index);
        }
    }

    /// The shipped photos, then — when the user keeps photos — the kept ones.
    async fn ensure(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
        outbox: &Outbox,
    ) -> Result<(), String> {
        if self.crops.is_none() {
            let (crops, names, photo_of_crop) = load(&*self.shipped.get(scope).await?);
            self.crops = Some(crops);
            self.names = names;
            self.photo_of_crop = photo_of_crop;
            if self.keep {
                let kept = kept::load(scope)
                    .await
                    .map_err(|e| format!("your kept photos could not be read: {e}"))?;
                for (name, bytes) in kept {
                    match check_photo(&name, &bytes) {
                        Ok(photo) => self.add_crops(&name, &photo),
                        Err(message) => outbox.send(&Event::Failed { run: None, message }),
                    }
                }
            }
            self.send_crops(outbox);
        }
        Ok(())
    }

    fn send_crops(&self, outbox: &Outbox) {
        let crops = self.crops.as_deref().unwrap_or_default();
        let rgba: Vec<u8> = crops
            .iter()
            .flat_map(|image| image.pixels().flat_map(|p| [p[0], p[1], p[2], 255]))
            .collect();
        let pixels = Uint8Array::from(rgba.as_slice());
        outbox.send_with(
            &Event::PoolCrops {
                size: CROP,
                photos: self.names.clone(),
            },
            &pixels,
            &pixels.buffer(),
        );
    }

    /// Adds a user's photo: its crops join the pool, and the last layer's examples and meter are
    /// sent again. A file that is not a usable photo is refused with a message naming it.
    async fn add(
        &mut self,
        scope: &DedicatedWorkerGlobalScope,
        outbox: &Outbox,
        model: &EfficientNetLite,
        device: &Device,
        name: &str,
        bytes: &[u8],
    ) -> Result<(), String> {
        let photo = check_photo(name, bytes)?;
        self.ensure(scope, outbox).await?;
        self.add_crops(name, &photo);
        self.meters.clear();
        self.cache.clear();
        self.added.push((name.to_owned(), bytes.to_vec()));
        self.send_crops(outbox);
        if self.keep {
            kept::keep(scope, name, bytes)
                .await
                .map_err(|e| format!("{name} joined the pool but could not be kept: {e}"))?;
            Self::report_kept(scope, outbox).await?;
        }
        match self.last_layer.clone() {
            Some(layer) => {
                self.answer(scope, outbox, model, device, &layer, true)
                    .await
            }
            None => Ok(()),
        }
    }
}

/// The privileged-basis meter of a layer's activations on the pool.
fn measure(acts: &pool::Activations, photo_of_crop: &[usize]) -> Meter {
    meter_of(privileged::profile(sample(acts, photo_of_crop), pool::SEED))
}

fn sample<'a>(acts: &'a pool::Activations, photo_of_crop: &'a [usize]) -> privileged::Sample<'a> {
    privileged::Sample {
        values: &acts.values,
        channels: acts.channels,
        photo_of_crop,
    }
}

/// What the page shows of a profile.
pub fn meter_of(profile: privileged::Profile) -> Meter {
    let auc = profile.kurtosis_auc;
    let as_u32 = |channels: &[usize]| channels.iter().map(|&c| c as u32).collect();
    let constant: Vec<usize> = profile.constant.iter().map(|c| c.channel).collect();
    Meter {
        kurtosis_auc: Interval {
            value: auc.value,
            low: auc.low,
            high: auc.high,
        },
        verdict: profile.verdict.describe(&auc, profile.photos),
        photos: profile.photos,
        positions: profile.positions,
        read_positions: profile.read_positions,
        silent: profile.constant.iter().filter(|c| c.value == 0.0).count(),
        constant: as_u32(&constant),
        at_zero: profile.at_zero,
        at_six: profile.at_six,
        vector_kurtosis: profile.vector_kurtosis,
        vector_kurtosis_rotated: profile.vector_kurtosis_rotated,
        slider: profile.slider,
        ranked: as_u32(&profile.ranked),
        basis_kurtosis: profile.basis_kurtosis,
        random_kurtosis: profile.random_kurtosis,
        learned: profile.learned.map(|learned| LearnedArm {
            kurtosis_auc: Interval {
                value: learned.auc.value,
                low: learned.auc.low,
                high: learned.auc.high,
            },
            verdict: learned
                .verdict
                .describe_arm("ICA directions", &learned.auc, profile.photos),
            kurtosis: learned.kurtosis,
        }),
    }
}

/// The shipped pool's crops, with each crop's photo name and photo index.
type Loaded = (Vec<RgbImage>, Vec<String>, Vec<usize>);

fn load(shipped: &Shipped) -> Loaded {
    let crops = pool::crops(&shipped.photos, CROPS_PER_PHOTO, pool::SEED);
    let names = crops
        .iter()
        .map(|(c, _)| shipped.names[c.photo].clone())
        .collect();
    let photo_of_crop = crops.iter().map(|(c, _)| c.photo).collect();
    (
        crops.into_iter().map(|(_, image)| image).collect(),
        names,
        photo_of_crop,
    )
}
