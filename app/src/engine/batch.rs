//! A batch job: several recipes optimized as one (a comparison sheet, a quiz's rounds), with all
//! their images posted every few steps so the page can show progress live.

use basis_featvis::{Frame, Session};
use basis_models::{EfficientNetLite, TapId};
use basis_recipe::Recipe;
use burn::tensor::Device;
use js_sys::Uint8Array;

use super::mailbox::Outbox;
use super::measured;
use super::rate::StepRate;
use crate::protocol::{Event, RunId};

/// Reading every image back costs a GPU sync; a look every few steps is live enough.
const TILES_EVERY: usize = 4;

pub struct BatchRun {
    pub run: RunId,
    session: Session,
    target: usize,
    /// Whether to measure the finished pictures at their layer (`Event::Pictures`), with what.
    measure: bool,
    model: EfficientNetLite,
    device: Device,
    tap: TapId,
}

impl BatchRun {
    /// A batch's recipes from their link strings, each checked against these weights.
    pub fn recipes(texts: &[String], weights: &str) -> Result<Vec<Recipe>, String> {
        texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                decode(text, weights).map_err(|error| format!("image {}: {error}", i + 1))
            })
            .collect()
    }

    /// A batch of `recipes`, each turning toward its `targets` entry (as the engine resolved it).
    pub fn start(
        model: &EfficientNetLite,
        device: &Device,
        run: RunId,
        recipes: &[Recipe],
        targets: &[Vec<f64>],
        transform_seed: u64,
    ) -> Result<Self, String> {
        let first = recipes.first().ok_or("a batch needs at least one image")?;
        if recipes.len() > first.batch_capacity() {
            return Err(format!(
                "{} images of {} px do not fit one batch (at most {})",
                recipes.len(),
                first.image.size,
                first.batch_capacity()
            ));
        }
        if let Some(i) = recipes.iter().position(|r| r.steps != first.steps) {
            return Err(format!(
                "image {} has another number of steps than the first",
                i + 1
            ));
        }
        let target = first.steps as usize;
        let tap = first.tap().map_err(|error| error.to_string())?;
        // The browser tests count these lines: a sheet must be one batch, not one run per tile.
        log::info!(
            "basis engine: a batch of {} images at {} px",
            recipes.len(),
            first.image.size
        );
        let session = Session::for_targets(
            model.clone(),
            device,
            recipes,
            targets,
            transform_seed,
            None,
        )
        .map_err(|error| error.to_string())?;
        Ok(Self {
            run,
            session,
            target,
            measure: false,
            model: model.clone(),
            device: device.clone(),
            tap,
        })
    }

    /// The four references of a predict-the-response round for `direction`, turning toward
    /// `target`.
    pub fn references(
        model: &EfficientNetLite,
        device: &Device,
        run: RunId,
        direction: &Recipe,
        target: &[f64],
    ) -> Result<Self, String> {
        let session = Session::references_toward(
            model.clone(),
            device,
            direction,
            target,
            &basis_recipe::reference_seeds(direction),
        )
        .map_err(|error| error.to_string())?;
        Ok(Self {
            run,
            session,
            target: direction.steps as usize,
            measure: false,
            model: model.clone(),
            device: device.clone(),
            tap: direction.tap().map_err(|error| error.to_string())?,
        })
    }

    /// Whether the finished pictures are measured (`Event::Pictures`), as the page asked.
    pub fn measuring(self, measure: bool) -> Self {
        Self { measure, ..self }
    }

    /// One step; the images when due. `Ok(true)` when the job is done.
    pub async fn step(&mut self, outbox: &Outbox, rate: &mut StepRate) -> Result<bool, String> {
        // Only the images are read back, every few steps: the device is not waited for per step.
        self.session.advance();
        let steps_per_second = rate.tick(js_sys::Date::now());
        let step = self.session.steps();
        let done = step >= self.target;
        if done || step % TILES_EVERY == 1 {
            let frames = self.session.frames().await.map_err(|e| e.to_string())?;
            if done && self.measure {
                let finished = measured::Finished {
                    run: self.run,
                    step: step as u32,
                    frames: &frames,
                };
                let measured =
                    measured::post(outbox, &self.model, &self.device, self.tap, finished).await;
                if let Err(message) = measured {
                    // The pictures are still shown and the job done; a lost GPU fails the next
                    // step.
                    log::warn!("basis engine: could not measure the pictures: {message}");
                }
            }
            self.post_tiles(outbox, &frames, steps_per_second);
        }
        if done {
            outbox.send(&Event::Done {
                run: self.run,
                step: step as u32,
            });
        }
        Ok(done)
    }

    fn post_tiles(&self, outbox: &Outbox, frames: &[Frame], steps_per_second: f32) {
        let size = frames.first().map_or(0, |f| f.width) as u32;
        let rgba: Vec<u8> = frames.iter().flat_map(|frame| frame.rgba()).collect();
        let pixels = Uint8Array::from(rgba.as_slice());
        outbox.send_with(
            &Event::Tiles {
                run: self.run,
                step: self.session.steps() as u32,
                target: self.target as u32,
                size,
                count: frames.len() as u32,
                steps_per_second,
            },
            &pixels,
            &pixels.buffer(),
        );
    }
}

/// A recipe from its link string, checked against these weights.
pub(super) fn decode(text: &str, weights: &str) -> Result<Recipe, String> {
    let recipe = Recipe::decode(text).map_err(|error| error.to_string())?;
    if recipe.weights != weights {
        return Err(format!(
            "it was made with weights {}, but these are {weights}",
            recipe.weights
        ));
    }
    Ok(recipe)
}
