//! The page's reactive state: one `Recipe` and what the engine last reported, shared by every
//! component through context.

use std::rc::Rc;

use basis_models::Network;
use basis_recipe::Recipe;
use js_sys::{Float32Array, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::supervisor::EngineView;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Progress {
    pub step: u32,
    pub target: u32,
    pub objective: f32,
    pub steps_per_second: f32,
    pub done: bool,
}

/// The photo pool's crops (RGBA, `size × size` each) and the photo each came from.
pub struct PoolCrops {
    pub size: u32,
    pub photos: Vec<String>,
    pub rgba: Vec<u8>,
}

impl PoolCrops {
    /// From a `PoolCrops` event and its pixels.
    pub fn from_event(size: u32, photos: Vec<String>, attachment: Option<JsValue>) -> Option<Self> {
        let pixels = attachment?.dyn_into::<Uint8Array>().ok()?;
        Some(Self {
            size,
            photos,
            rgba: pixels.to_vec(),
        })
    }
}

/// The pool's activations at one layer (`positions × channels`).
pub struct PoolActivations {
    pub layer: String,
    pub acts: basis_featvis::pool::Activations,
}

impl PoolActivations {
    /// From a `PoolActivations` event and its values.
    pub fn from_event(
        layer: String,
        channels: u32,
        grid: u32,
        attachment: Option<JsValue>,
    ) -> Option<Self> {
        Some(Self {
            layer,
            acts: activations_beside(channels, grid, attachment)?,
        })
    }
}

/// Activations (`PoolActivations`, `Pictures`) from the floats beside an event: whole `grid ×
/// grid` maps of `channels` values, as many as there are.
pub fn activations_beside(
    channels: u32,
    grid: u32,
    attachment: Option<JsValue>,
) -> Option<basis_featvis::pool::Activations> {
    let values = attachment?.dyn_into::<Float32Array>().ok()?.to_vec();
    let (channels, grid) = (channels as usize, grid as usize);
    let crops = values.len() / channels.max(1) / (grid * grid).max(1);
    Some(basis_featvis::pool::Activations {
        channels,
        grid,
        crops,
        values,
    })
}

/// The last finished picture's activations at its recipe's layer (one image, `grid × grid`
/// positions), for the fidelity panel.
pub struct Picture {
    pub recipe: Recipe,
    pub step: u32,
    pub acts: basis_featvis::pool::Activations,
}

#[derive(Clone, Copy)]
pub struct State {
    /// The network the page's engine runs, the link's: choosing another opens its link (a new
    /// page, with an engine of its own).
    pub network: Network,
    pub recipe: RwSignal<Recipe>,
    pub engine: EngineView,
    pub progress: RwSignal<Progress>,
    pub paused: RwSignal<bool>,
    /// The step the engine says it stopped at, once it has (`None` while it runs or is told to).
    pub paused_at: RwSignal<Option<u32>>,
    /// A problem the user should read (a bad link, a failed render); cleared by the next edit.
    pub message: RwSignal<Option<String>>,
    pub share_note: RwSignal<Option<String>>,
    /// Set when the clipboard could not take the link: shown for copying by hand.
    pub manual_link: RwSignal<Option<String>>,
    /// The run whose frame the canvas shows, and that frame's step.
    pub shown_run: RwSignal<u64>,
    pub shown_step: RwSignal<u32>,
    /// Whether the reader asked for less motion (`ui/motion`), as of the last frame.
    pub reduced_motion: RwSignal<bool>,
    /// Whether space and r work as shortcuts; the user can turn them off (WCAG 2.1.4), for this
    /// and the next visits.
    pub single_keys: RwSignal<bool>,
    pub pool_crops: RwSignal<Option<Rc<PoolCrops>>, LocalStorage>,
    pub pool_activations: RwSignal<Option<Rc<PoolActivations>>, LocalStorage>,
    pub picture: RwSignal<Option<Rc<Picture>>, LocalStorage>,
    /// Crops through the network so far, of all, while the pool is prepared for a layer.
    pub pool_progress: RwSignal<Option<(u32, u32)>>,
    /// The names of the user's photos kept in this browser, once the engine has said.
    pub kept_photos: RwSignal<Option<Vec<String>>>,
    /// The privileged-basis meter of each layer measured so far.
    pub meters: RwSignal<std::collections::HashMap<String, crate::protocol::Meter>>,
    /// The same on the large photo pool, for the layers asked.
    pub large_meters: RwSignal<std::collections::HashMap<String, crate::protocol::Meter>>,
    pub large_progress: RwSignal<Option<LargeProgress>>,
    /// The network's own directions the engine has read from its weights.
    pub targets: RwSignal<super::toward::Targets>,
}

/// Where the large pool's work stands.
#[derive(Debug, Clone, PartialEq)]
pub enum LargeProgress {
    /// Photos downloaded, of all.
    Downloading { done: u32, total: u32 },
    /// Crops through the network to `layer`, of all.
    Measuring {
        layer: String,
        done: u32,
        total: u32,
    },
}

impl LargeProgress {
    pub fn describe(&self) -> String {
        match self {
            Self::Downloading { done, total } => {
                format!("Downloading the large pool: {done} of {total} photos…")
            }
            Self::Measuring { layer, done, total } => {
                format!("Measuring {layer} on the large pool: {done} of {total} crops…")
            }
        }
    }
}

impl State {
    pub fn new(recipe: Recipe, message: Option<String>) -> Self {
        Self {
            network: recipe.network().unwrap_or_default(),
            recipe: RwSignal::new(recipe),
            engine: EngineView::default(),
            progress: RwSignal::new(Progress::default()),
            paused: RwSignal::new(false),
            paused_at: RwSignal::new(None),
            message: RwSignal::new(message),
            share_note: RwSignal::new(None),
            manual_link: RwSignal::new(None),
            shown_run: RwSignal::new(0),
            shown_step: RwSignal::new(0),
            reduced_motion: RwSignal::new(false),
            single_keys: RwSignal::new(super::preference::SINGLE_KEYS.get()),
            pool_crops: RwSignal::new_local(None),
            pool_activations: RwSignal::new_local(None),
            picture: RwSignal::new_local(None),
            pool_progress: RwSignal::new(None),
            kept_photos: RwSignal::new(None),
            meters: RwSignal::new(Default::default()),
            large_meters: RwSignal::new(Default::default()),
            large_progress: RwSignal::new(None),
            targets: RwSignal::new(Default::default()),
        }
    }

    pub fn ready(&self) -> bool {
        self.engine.ready()
    }

    pub fn ready_untracked(&self) -> bool {
        self.engine.ready_untracked()
    }
}
