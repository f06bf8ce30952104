//! Messages between the page and the engine worker. Each is one JSON string; frames carry their
//! pixels beside it as a transferred `Uint8Array`.

use serde::{Deserialize, Serialize};

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Optimize for this recipe string. `warm`: keep the current image when only the objective
    /// changed (the slider, the layer, the channel); otherwise start from noise.
    Render {
        recipe: String,
        warm: bool,
    },
    Pause,
    Resume,
}

/// Which device computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    WebGpu,
    Cpu,
}

impl Backend {
    pub fn label(self) -> &'static str {
        match self {
            Backend::WebGpu => "WebGPU",
            Backend::Cpu => "CPU",
        }
    }
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Weights download progress.
    Loading {
        loaded: u64,
        total: u64,
    },
    /// The model is on its device. `notice` says why the CPU is used, when it is.
    Ready {
        backend: Backend,
        notice: Option<String>,
        weights: String,
    },
    /// A new image; pixels (RGBA, `size × size`) travel beside this message.
    Frame {
        step: u32,
        target: u32,
        objective: f32,
        steps_per_second: f32,
        size: u32,
    },
    /// The recipe's steps are done; the worker idles until the next command.
    Done {
        step: u32,
    },
    Failed {
        message: String,
    },
}
