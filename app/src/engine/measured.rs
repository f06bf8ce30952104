//! Finished pictures measured at their layer (`Event::Pictures`), for the pages' fidelity
//! numbers: through the network once more from the frames' own 8-bit pixels, as the page shows
//! and downloads them, so `basis fidelity` on a download gives the page's numbers.

use basis_featvis::Frame;
use basis_models::{EfficientNetLite, TapId};
use burn::tensor::Device;
use js_sys::Float32Array;

use super::mailbox::Outbox;
use crate::protocol::{Event, RunId};

/// The frames `run` finished with, after `step` steps.
pub struct Finished<'a> {
    pub run: RunId,
    pub step: u32,
    pub frames: &'a [Frame],
}

pub async fn post(
    outbox: &Outbox,
    model: &EfficientNetLite,
    device: &Device,
    tap: TapId,
    finished: Finished<'_>,
) -> Result<(), String> {
    let pictures: Vec<image::RgbImage> = finished.frames.iter().map(Frame::to_image).collect();
    let acts = basis_featvis::pool::activations(model, device, &pictures, tap, |_| {})
        .await
        .map_err(|e| e.to_string())?;
    let values = Float32Array::from(acts.values.as_slice());
    outbox.send_with(
        &Event::Pictures {
            run: finished.run,
            step: finished.step,
            count: acts.crops as u32,
            channels: acts.channels as u32,
            grid: acts.grid as u32,
        },
        &values,
        &values.buffer(),
    );
    Ok(())
}
