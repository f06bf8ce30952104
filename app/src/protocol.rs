//! Messages between the page and the engine worker. Each is one JSON string; frames carry their
//! pixels, checkpoints and resumed renders their image parameters, beside it as a transferred
//! typed array.

use basis_models::Network;
use serde::{Deserialize, Serialize};

/// What an engine worker is started for, as its name says it (a name, not a query string: a
/// worker served by the service worker takes the cached response's URL, without the query):
/// `basis-engine:<network id>`, with `:cpu` after the GPU failed. `app/early-engine.js` and
/// `app/worker.js` read and write the same form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineName {
    pub network: Network,
    pub cpu_only: bool,
}

/// Where `basis setup-weights` put a network's manifest (its weights file's name, size and
/// hashes); `app/worker.js` reads the same.
pub fn manifest_url(network: Network) -> String {
    format!("model/{}.json", network.id())
}

impl EngineName {
    const PREFIX: &str = "basis-engine:";
    const CPU: &str = ":cpu";

    pub fn name(self) -> String {
        let cpu = if self.cpu_only { Self::CPU } else { "" };
        format!("{}{}{cpu}", Self::PREFIX, self.network.id())
    }

    /// A worker with no name (or another one) runs Lite0 where it can.
    pub fn parse(name: &str) -> Self {
        let rest = name.strip_prefix(Self::PREFIX).unwrap_or_default();
        let (id, cpu_only) = match rest.strip_suffix(Self::CPU) {
            Some(id) => (id, true),
            None => (rest, false),
        };
        Self {
            network: Network::from_id(id).unwrap_or_default(),
            cpu_only,
        }
    }
}

/// Tags one render request. The page numbers them; every event about a run carries its number,
/// so the page can drop what an older run still had in flight.
pub type RunId = u64;

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Optimize for this recipe string. `warm`: keep the current image when only the objective
    /// changed (the slider, the layer, the channel); otherwise start from noise. `resume`: go on
    /// from a checkpoint (its parameters travel beside the message), e.g. after the GPU was lost.
    Render {
        run: RunId,
        recipe: String,
        warm: bool,
        resume: Option<ResumeAt>,
    },
    /// Optimize several recipes at once, as one batch (a comparison sheet, a quiz's rounds): they
    /// share layer, image settings and steps; `transform_seed` draws the transforms they share.
    /// Replaces whatever the engine was doing.
    Batch {
        run: RunId,
        recipes: Vec<String>,
        transform_seed: u64,
        /// Measure the finished pictures for their fidelity (`Event::Pictures`).
        #[serde(default)]
        measure: bool,
    },
    /// A direction's four predict-the-response references, optimized as one batch with a
    /// diversity term (see `basis_featvis::Session::references`). Replaces whatever the engine
    /// was doing, as `Batch` does.
    References {
        run: RunId,
        recipe: String,
        #[serde(default)]
        measure: bool,
    },
    /// The photo pool's activations at `layer` (its crops too, the first time), for dataset
    /// examples. Answered between steps; a run goes on afterwards.
    Examples {
        layer: String,
    },
    /// Adds the user's photo (its file's bytes beside this message) to the pool, in this
    /// browser only; the examples of the last asked layer are computed again with it.
    AddPhoto {
        name: String,
    },
    /// The user's own photo (its file's bytes beside this message), for pictures that start from
    /// it (`Start::Own`); it stays in the worker, and a bad file is answered with `Failed`.
    OwnPhoto {
        name: String,
    },
    /// Keep the user's photos in this browser across visits (IndexedDB), those added so far and
    /// from now on, and add the kept ones to the pool when it is made; or forget every kept one
    /// (they leave the pool at the next visit). Answered with `Kept`.
    KeepPhotos {
        keep: bool,
    },
    /// The privileged-basis meter of every layer, one `Meter` event per layer, stem first.
    Profile {
        #[serde(default)]
        photos: Photos,
    },
    /// The privileged-basis meter of one layer (a `Meter` event), without its activations.
    Meter {
        layer: String,
        #[serde(default)]
        photos: Photos,
    },
    /// `layer`'s meter on the shipped pool again, with its learned arm (a `Meter` event).
    Learn {
        layer: String,
    },
    Pause,
    Resume,
    /// Makes the engine fail on purpose, so the page's recovery can be tested.
    Simulate {
        fault: Fault,
    },
}

/// Where a resumed run stands; the image parameters travel beside the command.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ResumeAt {
    pub step: u32,
    pub target: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The next GPU step fails as it does once the device is lost.
    LoseDevice,
    /// The engine panics, which kills the worker.
    Crash,
}

/// The photos a meter reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Photos {
    /// The few photos shipped with the page, and the user's own once added: quick to measure.
    #[default]
    Shipped,
    /// The large pool `basis setup-weights` prepares (hundreds of photos), downloaded when first
    /// asked for: intervals narrow enough to decide.
    Large,
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
    Loading { loaded: u64, total: u64 },
    /// The model is on its device. `notice` says why the CPU is used, when it is. `weights` is
    /// the hash of the bytes the worker downloaded and checked.
    Ready {
        backend: Backend,
        notice: Option<String>,
        weights: String,
    },
    /// A new image; pixels (RGBA, `size × size`) travel beside this message.
    Frame {
        run: RunId,
        step: u32,
        target: u32,
        objective: f32,
        steps_per_second: f32,
        size: u32,
    },
    /// A batch's images, every few steps and at its end: `count` RGBA images of `size × size`,
    /// one after the other in the array beside this message.
    Tiles {
        run: RunId,
        step: u32,
        target: u32,
        size: u32,
        count: u32,
        steps_per_second: f32,
    },
    /// The unit vector a recipe's slider turns toward, read from the weights: one of the
    /// network's own directions at `layer` (`toward` as `basis_recipe::Toward` writes it).
    Target {
        model: String,
        layer: String,
        toward: String,
        values: Vec<f64>,
    },
    /// Preparing the photo pool: `done` of `total` crops through the network.
    PoolProgress {
        layer: String,
        #[serde(default)]
        photos: Photos,
        done: u32,
        total: u32,
    },
    /// Downloading the large photo pool: `done` of `total` photos.
    LargePoolDownload { done: u32, total: u32 },
    /// The large pool could not be downloaded or measured; what was asked of it is dropped.
    LargePoolFailed { message: String },
    /// The pool's crops, `count` RGBA images of `size × size` one after the other beside this
    /// message; `photos[i]` names crop i's photo.
    PoolCrops { size: u32, photos: Vec<String> },
    /// The pool's activations at `layer`: `positions × channels` floats beside this message,
    /// positions in crop order, then row-major in each crop's `grid × grid` map.
    PoolActivations {
        layer: String,
        channels: u32,
        grid: u32,
    },
    /// The privileged-basis meter at `layer`, from the pool's activations (see
    /// `basis_featvis::privileged`).
    Meter {
        layer: String,
        #[serde(default)]
        photos: Photos,
        meter: Box<Meter>,
    },
    /// The names of the photos kept in this browser, after `KeepPhotos` or a photo added.
    Kept { names: Vec<String> },
    /// A run's finished pictures' activations at their layer, measured on the frames' own
    /// pixels (as shown and downloaded): for each of `count` pictures, `grid × grid` positions of
    /// `channels` floats, row-major, one picture after the other beside this message; the pages'
    /// fidelity numbers compare them with the pool's. A single view's run sends its one picture
    /// just before `Done`, a batch asked to `measure` just before its last `Tiles`.
    Pictures {
        run: RunId,
        step: u32,
        count: u32,
        channels: u32,
        grid: u32,
    },
    /// The image parameters after `step` steps (an `f32` array beside this message), kept by the
    /// page so a new engine can go on from here if this one dies.
    Checkpoint { run: RunId, step: u32, target: u32 },
    /// A `Pause` or `Resume` took effect after `step` steps of the current image.
    Paused { paused: bool, step: u32 },
    /// The recipe's steps are done; the worker idles until the next command.
    Done { run: RunId, step: u32 },
    /// A request could not be carried out; the engine lives on.
    Failed { run: Option<RunId>, message: String },
    /// The GPU failed mid-run; the engine cannot go on and the page should restart it on the CPU.
    DeviceLost { message: String },
    /// The engine could not start or stopped for good (also posted by `worker.js`).
    Crashed { message: String },
}

/// An AUC with its 95% bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// What the page shows of a layer's privileged-basis profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meter {
    pub kurtosis_auc: Interval,
    /// The verdict in words, e.g. "can't tell on these 8 photos (0.41–0.66)".
    pub verdict: String,
    pub photos: usize,
    pub positions: usize,
    pub read_positions: usize,
    /// Channels constant on the photos, not ranked, and how many of them are constant at 0.
    pub constant: Vec<u32>,
    pub silent: usize,
    /// Per channel, the fraction of positions at exactly 0 and at exactly 6.
    pub at_zero: Vec<f64>,
    pub at_six: Vec<f64>,
    pub vector_kurtosis: f64,
    pub vector_kurtosis_rotated: f64,
    /// Kurtosis AUC at t = 0, 0.1, …, 1 along the slider.
    pub slider: Vec<f64>,
    /// The kurtosis of each ranked channel (`ranked[i]`'s is `basis_kurtosis[i]`).
    pub ranked: Vec<u32>,
    pub basis_kurtosis: Vec<f64>,
    pub random_kurtosis: Vec<f64>,
    /// The learned arm, once asked for (`Command::Learn`).
    #[serde(default)]
    pub learned: Option<LearnedArm>,
}

/// ICA directions learned on half of the photos and measured on the other half, against the
/// random arm (see `basis_featvis::privileged::Learned`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnedArm {
    pub kurtosis_auc: Interval,
    /// The verdict in words, e.g. "ICA directions are more heavy-tailed than random directions".
    pub verdict: String,
    /// The kept directions' kurtosis, each on the photos it was not learned from.
    pub kurtosis: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_names_round_trip_and_default_to_lite0() {
        for network in Network::ALL {
            for cpu_only in [false, true] {
                let name = EngineName { network, cpu_only };
                assert_eq!(EngineName::parse(&name.name()), name);
            }
        }
        let lite1_cpu = EngineName {
            network: Network::Lite1,
            cpu_only: true,
        };
        assert_eq!(lite1_cpu.name(), "basis-engine:efficientnet-lite1:cpu");
        let default = EngineName {
            network: Network::Lite0,
            cpu_only: false,
        };
        assert_eq!(EngineName::parse(""), default);
    }
}
