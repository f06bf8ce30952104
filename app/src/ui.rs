//! The page: controls, the canvas, and the link. All state is one `Recipe`; every control edits it,
//! writes it into the URL and tells the worker.

use std::cell::RefCell;
use std::rc::Rc;

use basis_models::{LAYERS, TapId};
use basis_recipe::{CONTROLS, Link, Recipe};
use js_sys::{Array, Uint8Array};
use leptos::ev;
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, ImageData, MessageEvent, Worker};

use crate::protocol::{Backend, Command, Event};

/// A module worker that imports this app's own wasm (`app/worker.js`).
const WORKER_SCRIPT: &str = "./worker.js";
const SIZES: [usize; 3] = [64, 128, 224];
/// Used until the worker reports the real hash; never sent.
const UNKNOWN_WEIGHTS: &str = "0000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Progress {
    step: u32,
    target: u32,
    objective: f32,
    steps_per_second: f32,
    done: bool,
}

#[derive(Clone, Copy)]
struct State {
    recipe: RwSignal<Recipe>,
    backend: RwSignal<Option<(Backend, Option<String>)>>,
    loading: RwSignal<(u64, u64)>,
    progress: RwSignal<Progress>,
    paused: RwSignal<bool>,
    message: RwSignal<Option<String>>,
    share_note: RwSignal<Option<String>>,
}

/// Everything an event handler needs; cheap to clone into each closure.
#[derive(Clone)]
struct Controller {
    state: State,
    worker: Rc<Worker>,
    link: Rc<Link>,
    canvas: NodeRef<Canvas>,
    /// The last frame, RGBA, for the PNG download.
    frame: Rc<RefCell<Option<(u32, Vec<u8>)>>>,
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a page has a window")
}

impl Controller {
    fn post(&self, command: &Command) {
        let json = serde_json::to_string(command).expect("commands serialize");
        let _ = self.worker.post_message(&JsValue::from_str(&json));
    }

    fn ready(&self) -> bool {
        self.state.backend.with_untracked(Option::is_some)
    }

    /// Applies an edit if the result is a valid recipe, then updates the URL and the worker.
    fn change(&self, edit: impl FnOnce(&mut Recipe)) {
        let mut recipe = self.state.recipe.get_untracked();
        edit(&mut recipe);
        if let Err(error) = recipe.validate() {
            self.state
                .message
                .set(Some(format!("That setting is not possible: {error}.")));
            return;
        }
        self.state.message.set(None);
        self.state.recipe.set(recipe.clone());
        self.render(&recipe, true);
    }

    fn render(&self, recipe: &Recipe, warm: bool) {
        let fragment = Link::fragment(recipe, &self.link.hide, self.link.present);
        let _ = window().history().and_then(|history| {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}")))
        });
        if self.ready() {
            self.state.progress.update(|progress| progress.done = false);
            self.post(&Command::Render {
                recipe: recipe.encode(),
                warm,
            });
        }
    }

    fn restart(&self) {
        self.render(&self.state.recipe.get_untracked(), false);
    }

    fn toggle_pause(&self) {
        let paused = !self.state.paused.get_untracked();
        self.state.paused.set(paused);
        self.post(if paused {
            &Command::Pause
        } else {
            &Command::Resume
        });
    }

    fn reroll(&self) {
        let seed = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        self.change(|recipe| recipe.seed = seed);
    }

    fn step_channel(&self, delta: i64) {
        self.change(|recipe| {
            let channels = TapId::from_name(&recipe.layer)
                .map(TapId::channels)
                .unwrap_or(1) as i64;
            recipe.channel = (recipe.channel as i64 + delta).rem_euclid(channels) as u32;
        });
    }

    fn random_channel(&self) {
        self.change(|recipe| {
            let channels = TapId::from_name(&recipe.layer)
                .map(TapId::channels)
                .unwrap_or(1);
            recipe.channel = (js_sys::Math::random() * channels as f64) as u32;
        });
    }

    fn on_message(&self, event: MessageEvent) {
        let data = event.data();
        let (json, pixels) = match data.dyn_ref::<Array>() {
            Some(parts) => (
                parts.get(0),
                Some(parts.get(1).unchecked_into::<Uint8Array>()),
            ),
            None => (data, None),
        };
        let Some(event) = json
            .as_string()
            .and_then(|text| serde_json::from_str::<Event>(&text).ok())
        else {
            return;
        };
        match event {
            Event::Loading { loaded, total } => self.state.loading.set((loaded, total)),
            Event::Ready {
                backend,
                notice,
                weights,
            } => self.on_ready(backend, notice, weights),
            Event::Frame {
                step,
                target,
                objective,
                steps_per_second,
                size,
            } => {
                if let Some(pixels) = pixels {
                    self.draw(size, pixels.to_vec());
                }
                self.state.progress.set(Progress {
                    step,
                    target,
                    objective,
                    steps_per_second,
                    done: false,
                });
            }
            Event::Done { .. } => self.state.progress.update(|progress| progress.done = true),
            Event::Failed { message } => self.state.message.set(Some(message)),
        }
    }

    fn on_ready(&self, backend: Backend, notice: Option<String>, weights: String) {
        self.state.backend.set(Some((backend, notice)));
        let defaults = Recipe::new(weights.clone());
        let recipe = match &self.link.recipe {
            Some(Ok(recipe)) if recipe.weights == weights => recipe.clone(),
            Some(Ok(recipe)) => {
                self.state.message.set(Some(format!(
                    "This link was made with other weights ({}; this page has {weights}), so it cannot be reproduced here. Showing the defaults instead.",
                    recipe.weights
                )));
                defaults
            }
            _ => defaults,
        };
        self.state.recipe.set(recipe.clone());
        self.render(&recipe, false);
    }

    fn draw(&self, size: u32, rgba: Vec<u8>) {
        if let Some(canvas) = self.canvas.get_untracked() {
            if canvas.width() != size {
                canvas.set_width(size);
                canvas.set_height(size);
            }
            let context = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .map(|c| c.unchecked_into::<CanvasRenderingContext2d>());
            if let (Some(context), Ok(image)) = (
                context,
                ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), size, size),
            ) {
                let _ = context.put_image_data(&image, 0.0, 0.0);
            }
        }
        *self.frame.borrow_mut() = Some((size, rgba));
    }

    fn download(&self) {
        let Some((size, rgba)) = self.frame.borrow().clone() else {
            return;
        };
        let recipe = self.state.recipe.get_untracked();
        match crate::png::encode(size, &rgba) {
            Ok(png) => {
                if let Err(error) = crate::png::save(&png, &crate::png::file_name(&recipe)) {
                    self.state
                        .message
                        .set(Some(format!("The download failed: {error}")));
                }
            }
            Err(error) => self
                .state
                .message
                .set(Some(format!("The PNG could not be made: {error}"))),
        }
    }

    fn copy_link(&self) {
        let href = window().location().href().unwrap_or_default();
        let clipboard = window().navigator().clipboard();
        let note = self.state.share_note;
        let promise = clipboard.write_text(&href);
        wasm_bindgen_futures::spawn_local(async move {
            let copied = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            note.set(Some(if copied {
                "Link copied.".into()
            } else {
                "Copy the link from the address bar.".into()
            }));
        });
    }
}

fn start_worker(controller_cell: Rc<RefCell<Option<Controller>>>) -> Result<Worker, JsValue> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = Worker::new_with_options(WORKER_SCRIPT, &options)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(controller) = controller_cell.borrow().as_ref() {
            controller.on_message(event);
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    Ok(worker)
}

/// The message shown for a link that could not be used as is.
fn link_problem(link: &Link) -> Option<String> {
    let mut problems = Vec::new();
    if let Some(Err(error)) = &link.recipe {
        problems.push(format!(
            "This link's recipe could not be read: {error}. Showing the defaults instead."
        ));
    }
    if !link.ignored.is_empty() {
        problems.push(format!(
            "Ignored parts of the link that Basis does not know: {}.",
            link.ignored.join(", ")
        ));
    }
    (!problems.is_empty()).then(|| problems.join(" "))
}

#[component]
pub fn App() -> impl IntoView {
    let link = Rc::new(Link::parse(&window().location().hash().unwrap_or_default()));
    let initial = match &link.recipe {
        Some(Ok(recipe)) => recipe.clone(),
        _ => Recipe::new(UNKNOWN_WEIGHTS),
    };
    let state = State {
        recipe: RwSignal::new(initial),
        backend: RwSignal::new(None),
        loading: RwSignal::new((0, 0)),
        progress: RwSignal::new(Progress::default()),
        paused: RwSignal::new(false),
        message: RwSignal::new(link_problem(&link)),
        share_note: RwSignal::new(None),
    };
    let cell: Rc<RefCell<Option<Controller>>> = Rc::default();
    let worker = match start_worker(cell.clone()) {
        Ok(worker) => worker,
        Err(_) => {
            return view! { <p class="message" role="alert">"This browser cannot start a Web Worker, which Basis needs."</p> }.into_any();
        }
    };
    let canvas = NodeRef::<Canvas>::new();
    let controller = Controller {
        state,
        worker: Rc::new(worker),
        link: link.clone(),
        canvas,
        frame: Rc::default(),
    };
    *cell.borrow_mut() = Some(controller.clone());

    let keys = controller.clone();
    let _ = window_event_listener(ev::keydown, move |event| {
        let typing = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|input| matches!(input.type_().as_str(), "number" | "text"));
        if typing || event.ctrl_key() || event.meta_key() || event.alt_key() || !keys.ready() {
            return;
        }
        match event.key().as_str() {
            "ArrowLeft" => keys.step_channel(-1),
            "ArrowRight" => keys.step_channel(1),
            " " => keys.toggle_pause(),
            "r" | "R" => keys.reroll(),
            _ => return,
        }
        event.prevent_default();
    });
    let _ = window_event_listener(ev::hashchange, move |_| {
        let _ = window().location().reload();
    });

    let hidden = {
        let link = link.clone();
        move |name: &str| link.hide.contains(&name)
    };
    let present = link.present;
    let disabled = move || state.backend.with(Option::is_none);
    let recipe = state.recipe;
    let channels =
        move || recipe.with(|r| TapId::from_name(&r.layer).map(TapId::channels).unwrap_or(1));

    // A Copy handle, so each event handler can take its own without a clone.
    let ctl = StoredValue::new_local(controller);

    view! {
        <main class:present=present>
            <header>
                <h1>"Basis"</h1>
                <p class="tagline">"What does a neuron of an image network respond to — and is a neuron more meaningful than a random direction?"</p>
            </header>

            <p class="message" role="alert" hidden=move || state.message.with(Option::is_none)>
                {move || state.message.get().unwrap_or_default()}
            </p>

            <section class="loading" hidden=move || !disabled()>
                <label for="weights-progress">"Downloading the network's weights"</label>
                <progress id="weights-progress" max=move || state.loading.get().1.max(1) value=move || state.loading.get().0></progress>
                <span id="weights-bytes">{move || { let (l, t) = state.loading.get(); format!("{:.1} / {:.1} MB", l as f64 / 1e6, t as f64 / 1e6) }}</span>
            </section>

            <section class="backend" data-control="status" hidden=hidden("status")>
                "Computing on: " <strong id="backend">{move || state.backend.get().map(|(b, _)| b.label()).unwrap_or("starting…")}</strong>
                <span id="backend-notice" class="notice" hidden=move || state.backend.with(|b| b.as_ref().and_then(|(_, n)| n.as_ref()).is_none())>
                    {move || state.backend.get().and_then(|(_, notice)| notice).unwrap_or_default()}
                </span>
            </section>

            <div class="workspace">
                <figure class="stage">
                    <canvas id="canvas" node_ref=canvas width="64" height="64" role="img"
                        aria-label="The image optimized to excite the chosen direction"></canvas>
                    <figcaption id="status" data-control="status" hidden=hidden("status")>
                        <span>"Step " <output id="step">{move || state.progress.get().step}</output> " / " {move || state.progress.get().target}</span>
                        <span>" · objective " <output id="objective">{move || format!("{:.3}", state.progress.get().objective)}</output></span>
                        <span>" · " <output id="rate">{move || format!("{:.1}", state.progress.get().steps_per_second)}</output> " steps/s"</span>
                        <span id="done" hidden=move || !state.progress.get().done>" · done"</span>
                    </figcaption>
                </figure>

                <div class="panel">
                <fieldset class="controls" prop:disabled=disabled>
                    <legend>"Direction"</legend>
                    <div class="control" data-control="layer" hidden=hidden("layer")>
                        <label for="layer">"Layer"</label>
                        <select id="layer" prop:value=move || recipe.with(|r| r.layer.clone())
                            on:change=move |ev| { let layer = event_target_value(&ev); ctl.with_value(|c| c.change(|r| {
                                r.channel = r.channel.min(TapId::from_name(&layer).map(TapId::channels).unwrap_or(1) as u32 - 1);
                                r.layer = layer;
                            })) }>
                            {LAYERS.iter().map(|layer| view! {
                                <option value=layer.name>{format!("{} — {} channels", layer.name, layer.channels)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="control" data-control="channel" hidden=hidden("channel")>
                        <label for="channel">"Neuron (channel)"</label>
                        <button id="channel-prev" title="Previous channel (←)" on:click=move |_| ctl.with_value(|c| c.step_channel(-1))>"◀"</button>
                        <input id="channel" type="number" min="0" max=move || channels() - 1 prop:value=move || recipe.with(|r| r.channel)
                            on:change=move |ev| if let Ok(channel) = event_target_value(&ev).parse() { ctl.with_value(|c| c.change(|r| r.channel = channel)) } />
                        <button id="channel-next" title="Next channel (→)" on:click=move |_| ctl.with_value(|c| c.step_channel(1))>"▶"</button>
                        <button id="channel-random" on:click=move |_| ctl.with_value(|c| c.random_channel())>"Random neuron"</button>
                        <span class="hint">{move || format!("of {}", channels())}</span>
                    </div>
                    <div class="control slider" data-control="direction" hidden=hidden("direction")>
                        <label for="direction">"Direction: from the neuron to a random mixture"</label>
                        <span class="end">"neuron"</span>
                        <input id="direction" type="range" min="0" max="1" step="0.01" prop:value=move || recipe.with(|r| r.mix)
                            on:input=move |ev| if let Ok(mix) = event_target_value(&ev).parse() { ctl.with_value(|c| c.change(|r| r.mix = mix)) } />
                        <span class="end">"random"</span>
                        <output id="direction-value">{move || format!("{:.2}", recipe.with(|r| r.mix))}</output>
                    </div>
                    <div class="control" data-control="seed" hidden=hidden("seed")>
                        <label for="seed">"Random direction seed"</label>
                        <input id="seed" type="number" min="0" prop:value=move || recipe.with(|r| r.seed)
                            on:change=move |ev| if let Ok(seed) = event_target_value(&ev).parse() { ctl.with_value(|c| c.change(|r| r.seed = seed)) } />
                        <button id="reroll" title="New random direction (r)" on:click=move |_| ctl.with_value(|c| c.reroll())>"Re-roll"</button>
                    </div>
                    <div class="control" data-control="cospower" hidden=hidden("cospower")>
                        <label for="cospower">"Cosine power"</label>
                        <input id="cospower" type="number" min="0" max="16" step="0.5" prop:value=move || recipe.with(|r| r.cos_power)
                            on:change=move |ev| if let Ok(p) = event_target_value(&ev).parse() { ctl.with_value(|c| c.change(|r| r.cos_power = p)) } />
                        <span class="hint">"0: push along the direction; higher: also point the same way"</span>
                    </div>
                    <div class="control" data-control="negative" hidden=hidden("negative")>
                        <input id="negative" type="checkbox" prop:checked=move || recipe.with(|r| r.negative)
                            on:change=move |ev| { let on = event_target_checked(&ev); ctl.with_value(|c| c.change(|r| r.negative = on)) } />
                        <label for="negative">"Negative (what suppresses it)"</label>
                    </div>
                    <div class="control" data-control="centre" hidden=hidden("centre")>
                        <input id="centre" type="checkbox" prop:checked=move || recipe.with(|r| r.centre)
                            on:change=move |ev| { let on = event_target_checked(&ev); ctl.with_value(|c| c.change(|r| r.centre = on)) } />
                        <label for="centre">"Centre position only"</label>
                    </div>
                </fieldset>

                <fieldset class="controls" prop:disabled=disabled>
                    <legend>"Image"</legend>
                    <div class="control" data-control="size" hidden=hidden("size")>
                        <label for="size">"Size"</label>
                        <select id="size" prop:value=move || recipe.with(|r| r.image.size.to_string())
                            on:change=move |ev| if let Ok(size) = event_target_value(&ev).parse() { ctl.with_value(|c| c.change(|r| r.image.size = size)) }>
                            {SIZES.iter().map(|size| view! { <option value=size.to_string()>{format!("{size} px")}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="control" data-control="steps" hidden=hidden("steps")>
                        <label for="steps">"Steps"</label>
                        <input id="steps" type="number" min="1" max="4096" prop:value=move || recipe.with(|r| r.steps)
                            on:change=move |ev| if let Ok(steps) = event_target_value(&ev).parse() { ctl.with_value(|c| c.change(|r| r.steps = steps)) } />
                    </div>
                    <div class="control" data-control="playback" hidden=hidden("playback")>
                        <button id="pause" title="Pause or resume (space)" on:click=move |_| ctl.with_value(|c| c.toggle_pause())>
                            {move || if state.paused.get() { "Resume" } else { "Pause" }}
                        </button>
                        <button id="restart" title="Start again from noise" on:click=move |_| ctl.with_value(|c| c.restart())>"Restart"</button>
                    </div>
                    <div class="control" data-control="share" hidden=hidden("share")>
                        <button id="copy-link" on:click=move |_| ctl.with_value(|c| c.copy_link())>"Copy link"</button>
                        <button id="download" on:click=move |_| ctl.with_value(|c| c.download())>"Download PNG"</button>
                        <span id="share-note" class="hint">{move || state.share_note.get().unwrap_or_default()}</span>
                    </div>
                </fieldset>
                </div>
            </div>

            <section class="help" data-control="help" hidden=hidden("help")>
                <h2>"What am I looking at?"</h2>
                <dl>
                    <dt>"Neuron"</dt>
                    <dd>"One channel of a layer. The picture is optimized, pixel pattern by pixel pattern, to make that channel respond as strongly as possible."</dd>
                    <dt>"Direction"</dt>
                    <dd>"A layer's response at a point is a list of numbers, one per channel: a point in a space with one axis per neuron. A direction is any arrow in that space. A neuron is the arrow along one axis — a basis direction."</dd>
                    <dt>"Random mixture"</dt>
                    <dd>"An arrow pointing somewhere random: every channel mixed in with a random weight. Slide from neuron to random and judge for yourself whether the neuron's picture is more meaningful."</dd>
                </dl>
                <p class="hint">{format!("Keys: ← → change neuron · space pauses · r re-rolls the random direction. Link options: hide={} and present.", CONTROLS.join(","))}</p>
            </section>
        </main>
    }
    .into_any()
}
