//! Freeze and compare: the picture as it is now, kept as "before" beside the live one (to watch
//! what the slider does, say), with what it shows, its own link, and a download like the live
//! one's.

use std::rc::Rc;

use basis_recipe::{Link, Recipe};
use leptos::html::Canvas;
use leptos::prelude::*;

use super::ControllerRef;
use super::stage::{angle_to_neuron, picture_text};
use super::state::State;

/// A frozen picture: the recipe it was made with, the step it was at, its pixels.
#[derive(Clone)]
struct Frozen {
    recipe: Recipe,
    /// Degrees from the neuron, as the stage said when it was frozen.
    angle: f64,
    step: u32,
    size: u32,
    rgba: Rc<Vec<u8>>,
}

impl Frozen {
    fn caption(&self) -> String {
        let r = &self.recipe;
        format!(
            "Before: {}",
            picture_text(r, self.angle, self.step, r.steps)
        )
    }

    fn link(&self) -> String {
        format!("#{}", Link::fragment(&self.recipe, &[], false))
    }
}

#[component]
pub fn Before() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let frozen = RwSignal::new_local(None::<Frozen>);
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        if let (Some(canvas), Some(f)) = (canvas.get(), frozen.get()) {
            super::canvas::draw(&canvas, f.size, &f.rgba);
        }
    });
    let freeze = move |_| match ctl.with_value(|c| c.shown_frame()) {
        Some((recipe, step, size, rgba)) => frozen.set(Some(Frozen {
            angle: state
                .targets
                .with_untracked(|t| angle_to_neuron(&recipe, t)),
            recipe,
            step,
            size,
            rgba: Rc::new(rgba),
        })),
        None => state
            .share_note
            .set(Some("There is no picture to freeze yet.".into())),
    };
    let caption = move || frozen.with(|f| f.as_ref().map(Frozen::caption).unwrap_or_default());
    let download = move |_| {
        if let Some(f) = frozen.get_untracked() {
            super::share::download(state, Some((f.recipe, f.size, f.rgba.to_vec())));
        }
    };
    view! {
        <fieldset class="controls before" prop:disabled=move || !state.ready()>
            <legend>"Before and after"</legend>
            <div class="control">
                <button id="freeze" on:click=freeze>
                    "Freeze this picture as “before”"
                </button>
            </div>
            <figure id="before" hidden=move || frozen.with(Option::is_none)>
                <canvas
                    id="before-canvas"
                    node_ref=canvas
                    width="64"
                    height="64"
                    role="img"
                    aria-label=caption
                ></canvas>
                <figcaption>
                    {caption} " · "
                    <a
                        id="before-link"
                        href=move || {
                            frozen.with(|f| f.as_ref().map(Frozen::link).unwrap_or_default())
                        }
                    >
                        "its link"
                    </a>
                </figcaption>
                <div class="control">
                    <button id="download-before" on:click=download>
                        "Download “before” PNG"
                    </button>
                    <button
                        id="clear-before"
                        on:click=move |_| {
                            frozen.set(None);
                            super::focus::first("#freeze");
                        }
                    >
                        "Clear"
                    </button>
                </div>
            </figure>
        </fieldset>
    }
}
