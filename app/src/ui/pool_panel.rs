//! What the panels that show the photo pool's activations at the view's layer (the dataset
//! examples, the probe) share: they ask the engine for them only while open, say how far the
//! pool has gone through the network meanwhile, and know when they are opened or closed.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::ControllerRef;
use super::state::State;

/// The view's layer; while `open`, asks for the pool's activations there until they come.
pub fn ask_while_open(open: RwSignal<bool>) -> Memo<String> {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let layer = Memo::new(move |_| state.recipe.with(|r| r.layer.clone()));
    Effect::new(move |_| {
        let layer = layer.get();
        if !open.get() || !state.ready() {
            return;
        }
        // Tracked: a layer asked for and left again before its answer came is asked again.
        let have = state
            .pool_activations
            .with(|a| a.as_ref().is_some_and(|a| a.layer == layer));
        if !have {
            ctl.with_value(|c| c.request_examples(&layer));
        }
    });
    layer
}

/// What the page says while the pool is prepared.
pub fn progress_text(state: State) -> String {
    match state.pool_progress.get() {
        Some((done, total)) => {
            format!("Running the photos through the network: {done} of {total} crops…")
        }
        None => "Preparing the photos…".to_owned(),
    }
}

/// A `<details>`' toggle handler that keeps `open` in step with it.
pub fn track_open(open: RwSignal<bool>) -> impl Fn(web_sys::Event) + Copy {
    move |ev| {
        let details = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok());
        open.set(details.is_some_and(|d| d.open()));
    }
}
