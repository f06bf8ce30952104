//! Every field checked against what the engine can render in reasonable time and memory.

use crate::{Parametrization, Recipe, RecipeError};

const MIN_SIZE: usize = 32;
const MAX_SIZE: usize = 512;
const MAX_STEPS: u32 = 4096;
const MAX_COS_POWER: f32 = 16.0;
/// The network needs a few positions at its deepest layer after the transforms shrink the image.
const MIN_TRANSFORMED_SIZE: f32 = 32.0;
/// The largest image the network may be shown, in pixels per side, after padding and the largest
/// scale. It bounds a step's memory and time: 512 px with Lucid's transforms (581 px) fits, the
/// app's sizes (64–224 px) fit with room, and what would exceed WebGPU's 128 MiB binding limit or
/// a browser tab's memory does not.
pub const MAX_NETWORK_INPUT: usize = 600;

fn finite(field: &'static str, value: f32) -> Result<f64, RecipeError> {
    if value.is_finite() {
        Ok(value as f64)
    } else {
        Err(RecipeError::NonFinite { field })
    }
}

pub(crate) fn within(
    field: &'static str,
    value: f64,
    min: f64,
    max: f64,
    range: &'static str,
) -> Result<(), RecipeError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(RecipeError::OutOfRange {
            field,
            value,
            range,
        })
    }
}

/// The most images one batch holds (a sheet's 8 + 8).
pub const MAX_BATCH: usize = 16;

impl Recipe {
    /// The side of the square the network sees after padding and the largest scale.
    fn network_input(&self) -> usize {
        let t = &self.transforms;
        ((self.image.size + 2 * t.pad - t.jitter) as f32 * t.scale_max).floor() as usize
    }

    /// How many images like this one a batch may hold: together they stay within the budget
    /// of one image of [`MAX_NETWORK_INPUT`]² pixels (a batch's activations share one buffer).
    /// The tap does not change it: the forward pass to any tap, however wide (1152 channels at
    /// `block12.expand`…`block15.dw`), is a part of the pass to the head, whose largest
    /// activations are the early, high-resolution ones (`block1.expand`'s 96 channels at half
    /// the input's side).
    pub fn batch_capacity(&self) -> usize {
        let input = self.network_input().max(1);
        (MAX_NETWORK_INPUT * MAX_NETWORK_INPUT / (input * input)).clamp(1, MAX_BATCH)
    }

    pub fn validate(&self) -> Result<(), RecipeError> {
        self.network()?;
        let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        if self.weights.len() != 16 || !self.weights.chars().all(hex) {
            return Err(RecipeError::BadWeightsHash(self.weights.clone()));
        }
        let tap = self.tap()?;
        if self.channel as usize >= tap.channels() {
            return Err(RecipeError::ChannelOutOfRange {
                layer: self.layer.clone(),
                channel: self.channel,
                channels: tap.channels(),
            });
        }
        self.toward.validate(tap)?;
        self.start.validate()?;
        within("mix", finite("mix", self.mix)?, 0.0, 1.0, "0 to 1")?;
        within(
            "cos_power",
            finite("cos_power", self.cos_power)?,
            0.0,
            MAX_COS_POWER as f64,
            "0 to 16",
        )?;
        within(
            "steps",
            self.steps as f64,
            1.0,
            MAX_STEPS as f64,
            "1 to 4096",
        )?;
        let image = &self.image;
        within(
            "size",
            image.size as f64,
            MIN_SIZE as f64,
            MAX_SIZE as f64,
            "32 to 512",
        )?;
        within(
            "init_sd",
            finite("init_sd", image.init_sd)?,
            1e-6,
            1.0,
            "0.000001 to 1",
        )?;
        if let Parametrization::Fft { decay_power } = image.parametrization {
            within(
                "decay_power",
                finite("decay_power", decay_power)?,
                0.0,
                4.0,
                "0 to 4",
            )?;
        }
        let t = &self.transforms;
        within("pad", t.pad as f64, 0.0, 64.0, "0 to 64")?;
        within("jitter", t.jitter as f64, 0.0, 32.0, "0 to 32")?;
        within("final_jitter", t.final_jitter as f64, 0.0, 32.0, "0 to 32")?;
        within(
            "scale_min",
            finite("scale_min", t.scale_min)?,
            0.5,
            1.0,
            "0.5 to 1",
        )?;
        within(
            "scale_max",
            finite("scale_max", t.scale_max)?,
            t.scale_min as f64,
            2.0,
            "scale_min to 2",
        )?;
        within(
            "rotate",
            t.rotate_max_degrees as f64,
            0.0,
            45.0,
            "0 to 45 degrees",
        )?;
        let smallest =
            (image.size + 2 * t.pad - t.jitter) as f32 * t.scale_min - t.final_jitter as f32;
        within(
            "size",
            smallest as f64,
            MIN_TRANSFORMED_SIZE as f64,
            f64::MAX,
            "at least 32 px after the transforms",
        )?;
        let largest = self.network_input();
        if largest > MAX_NETWORK_INPUT {
            return Err(RecipeError::TooCostly {
                size: image.size,
                pad: t.pad,
                scale_max: t.scale_max,
                input: largest,
                max: MAX_NETWORK_INPUT,
            });
        }
        Ok(())
    }
}
