//! The single view's side of the engine: it numbers render requests, posts them, keeps the last
//! checkpoint so a new engine (after its `Supervisor` replaced a failed one) goes on where the old
//! one stopped, and draws frames of the current run only.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use basis_recipe::{Link, Recipe};
use js_sys::{Float32Array, Uint8Array};
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::address::{AddressBar, link_to};
use super::motion::{self, Pacer};
use super::preference;
use super::state::{
    LargeProgress, Picture, PoolActivations, PoolCrops, Progress, State, activations_beside,
};
use super::supervisor::{Supervisor, Told};
use super::worker::FromWorker;
use crate::protocol::{Command, Event, Fault, Photos, ResumeAt, RunId};

/// How the next render request starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Warm,
    Cold,
    /// From the kept checkpoint (a new engine after the old one died).
    Resume,
}

/// The image parameters after some steps of a run, and the recipe they were made for.
struct Checkpoint {
    run: RunId,
    recipe: Recipe,
    step: u32,
    target: u32,
    params: Vec<f32>,
}

/// The frame on the canvas (RGBA) and the recipe it was made for.
struct OnCanvas {
    recipe: Recipe,
    step: u32,
    size: u32,
    rgba: Vec<u8>,
}

pub struct Controller {
    pub state: State,
    pub link: Link,
    pub canvas: NodeRef<Canvas>,
    engine: Supervisor,
    next: Cell<Next>,
    next_run: Cell<RunId>,
    /// The newest request; events of older runs are dropped.
    latest: RefCell<Option<(RunId, Recipe)>>,
    checkpoint: RefCell<Option<Checkpoint>>,
    shown: RefCell<Option<OnCanvas>>,
    /// The run and step of the newest frame, while reduced motion holds it back from the canvas.
    held: Cell<Option<(RunId, u32)>>,
    pacer: Pacer,
    address: AddressBar,
    /// Bumped to ask for a render although the recipe did not change (Restart, a new engine).
    pub rerender: RwSignal<u64>,
}

impl Controller {
    pub fn new(state: State, link: Link, canvas: NodeRef<Canvas>) -> Rc<Self> {
        Rc::new_cyclic(|this: &Weak<Controller>| {
            let this = this.clone();
            let listener = Rc::new(move |generation: u64, heard: FromWorker| {
                if let Some(controller) = this.upgrade() {
                    controller.hear(generation, heard);
                }
            });
            Controller {
                engine: Supervisor::new(
                    state.engine,
                    state.network,
                    ", from the last image, with the same settings",
                    listener,
                ),
                state,
                link,
                canvas,
                next: Cell::new(Next::Cold),
                next_run: Cell::new(1),
                latest: RefCell::default(),
                checkpoint: RefCell::default(),
                shown: RefCell::default(),
                held: Cell::new(None),
                pacer: Pacer::default(),
                address: AddressBar::default(),
                rerender: RwSignal::new(0),
            }
        })
    }

    /// Starts the engine, or a new one after it stopped (the user asked).
    pub fn start_engine(&self) {
        self.engine.start();
    }

    fn post(&self, command: &Command) {
        self.post_with(command, None);
    }

    /// `command`, with image parameters transferred beside it when given.
    fn post_with(&self, command: &Command, params: Option<&[f32]>) {
        match params {
            Some(params) => {
                let array = Float32Array::from(params);
                self.engine.post(command, Some((&array, &array.buffer())));
            }
            None => self.engine.post(command, None),
        }
    }

    /// Called by the recipe effect: follow the recipe in the address bar and the engine.
    pub fn sync(&self, recipe: &Recipe) {
        if self.state.engine.weights.with_untracked(Option::is_none) {
            return; // Nothing to show or send before the engine knows its weights.
        }
        self.address
            .write(Link::fragment(recipe, &self.link.hide, self.link.present));
        if !self.state.ready_untracked() {
            return;
        }
        let run = self.next_run.get();
        self.next_run.set(run + 1);
        let previous = self.latest.replace(Some((run, recipe.clone())));
        self.state.progress.update(|p| p.done = false);
        // The fidelity panel measures finished pictures: this one is not yet.
        self.state.picture.set(None);
        let next = self.next.replace(Next::Warm);
        let command = |resume| Command::Render {
            run,
            recipe: recipe.encode(),
            warm: next == Next::Warm,
            resume,
        };
        let kept = self.checkpoint.borrow();
        match (next, kept.as_ref()) {
            // Parameters only fit a canvas of the same size and parametrization.
            (Next::Resume, Some(kept)) if kept.recipe.image == recipe.image => {
                let same_run = previous.is_some_and(|(run, _)| run == kept.run);
                let target = if same_run {
                    kept.target
                } else {
                    kept.step + recipe.steps
                };
                let resume = ResumeAt {
                    step: kept.step,
                    target,
                };
                self.post_with(&command(Some(resume)), Some(&kept.params));
            }
            // Warm, cold, or a resume with no checkpoint that fits: from noise.
            _ => self.post(&command(None)),
        }
    }

    /// Applies an edit if the result is a valid recipe; the effect does the rest.
    pub fn change(&self, edit: impl FnOnce(&mut Recipe)) {
        let mut recipe = self.state.recipe.get_untracked();
        edit(&mut recipe);
        if let Err(error) = recipe.validate() {
            self.state
                .message
                .set(Some(format!("That setting is not possible: {error}.")));
            return;
        }
        self.state.message.set(None);
        self.state.recipe.set(recipe);
    }

    pub fn restart(&self) {
        self.next.set(Next::Cold);
        self.rerender.update(|k| *k += 1);
    }

    pub fn toggle_pause(&self) {
        let paused = !self.state.paused.get_untracked();
        self.state.paused.set(paused);
        self.state.paused_at.set(None);
        self.post(if paused {
            &Command::Pause
        } else {
            &Command::Resume
        });
    }

    /// Asks the engine for the photo pool's activations at `layer` (crops too, the first time).
    pub fn request_examples(&self, layer: &str) {
        self.post(&Command::Examples {
            layer: layer.to_owned(),
        });
    }

    /// Sends a user's photo file to the engine's pool (transferred, not copied).
    pub fn add_photo(&self, name: String, bytes: Uint8Array) {
        self.engine
            .post(&Command::AddPhoto { name }, Some((&bytes, &bytes.buffer())));
    }

    /// Sends the user's own photo to the engine, for pictures that start from it (transferred, not
    /// copied; it stays in the engine's worker).
    pub fn set_own_photo(&self, name: String, bytes: Uint8Array) {
        self.engine
            .post(&Command::OwnPhoto { name }, Some((&bytes, &bytes.buffer())));
    }

    /// Keeps the user's photos in this browser (remembered for the next visit), or forgets them.
    pub fn keep_photos(&self, keep: bool) {
        preference::KEEP_PHOTOS.set(keep);
        self.post(&Command::KeepPhotos { keep });
    }

    /// Asks the engine for the privileged-basis meter of every layer on `photos`.
    pub fn request_profile(&self, photos: Photos) {
        self.post(&Command::Profile { photos });
    }

    /// Asks the engine for `layer`'s meter on the large photo pool (downloaded the first time).
    pub fn request_large_meter(&self, layer: &str) {
        self.post(&Command::Meter {
            layer: layer.to_owned(),
            photos: Photos::Large,
        });
    }

    /// Asks the engine for `layer`'s meter with directions learned from the shipped photos.
    pub fn request_learned(&self, layer: &str) {
        self.post(&Command::Learn {
            layer: layer.to_owned(),
        });
    }

    pub fn simulate(&self, fault: Fault) {
        self.post(&Command::Simulate { fault });
    }

    fn hear(&self, generation: u64, heard: FromWorker) {
        match self.engine.hear(generation, heard) {
            Told::Event(event, attachment) => self.on_event(event, attachment),
            Told::Ready { again } => self.on_ready(again),
            // A new engine goes on from the checkpoint once it is ready.
            Told::MovedToCpu | Told::Stopped | Told::Nothing => {}
        }
    }

    fn is_latest(&self, run: RunId) -> bool {
        self.latest
            .borrow()
            .as_ref()
            .is_some_and(|(r, _)| *r == run)
    }

    fn on_event(&self, event: Event, attachment: Option<JsValue>) {
        match event {
            Event::Frame {
                run,
                step,
                target,
                objective,
                steps_per_second,
                size,
            } if self.is_latest(run) => {
                if let Some(pixels) = attachment.and_then(|a| a.dyn_into::<Uint8Array>().ok()) {
                    let reduced = motion::reduced();
                    if self.state.reduced_motion.get_untracked() != reduced {
                        self.state.reduced_motion.set(reduced);
                    }
                    let paint = self
                        .pacer
                        .paint(reduced, run, step, target, js_sys::Date::now());
                    self.keep(run, step, size, pixels.to_vec());
                    if paint {
                        self.paint_kept();
                    }
                }
                self.state.progress.set(Progress {
                    step,
                    target,
                    objective,
                    steps_per_second,
                    done: false,
                });
            }
            Event::Checkpoint { run, step, target } if self.is_latest(run) => {
                let recipe = self.latest.borrow().as_ref().map(|(_, r)| r.clone());
                let params = attachment.and_then(|a| a.dyn_into::<Float32Array>().ok());
                if let (Some(params), Some(recipe)) = (params, recipe) {
                    *self.checkpoint.borrow_mut() = Some(Checkpoint {
                        run,
                        recipe,
                        step,
                        target,
                        params: params.to_vec(),
                    });
                }
            }
            Event::Done { run, .. } if self.is_latest(run) => {
                self.paint_kept();
                self.state.progress.update(|p| p.done = true)
            }
            // Problems outside a run (several refused photos, say) add up rather than hide
            // each other; a run's failure replaces what was shown.
            Event::Failed { run: None, message } => self.state.message.update(|shown| {
                *shown = Some(match shown.take() {
                    Some(old) if !old.contains(&message) => format!("{old} {message}"),
                    _ => message,
                })
            }),
            Event::Failed { run, message } if run.is_none_or(|run| self.is_latest(run)) => {
                self.state.message.set(Some(message))
            }
            Event::PoolProgress {
                done,
                total,
                photos: Photos::Shipped,
                ..
            } => self.state.pool_progress.set(Some((done, total))),
            Event::PoolProgress {
                layer,
                done,
                total,
                photos: Photos::Large,
            } => self
                .state
                .large_progress
                .set(Some(LargeProgress::Measuring { layer, done, total })),
            Event::LargePoolFailed { message } => {
                self.state.large_progress.set(None);
                self.state.message.set(Some(message));
            }
            Event::LargePoolDownload { done, total } => self
                .state
                .large_progress
                .set(Some(LargeProgress::Downloading { done, total })),
            Event::PoolCrops { size, photos } => {
                if let Some(crops) = PoolCrops::from_event(size, photos, attachment) {
                    self.state.pool_crops.set(Some(Rc::new(crops)));
                }
            }
            Event::PoolActivations {
                layer,
                channels,
                grid,
            } => {
                if let Some(acts) = PoolActivations::from_event(layer, channels, grid, attachment) {
                    self.state.pool_progress.set(None);
                    self.state.pool_activations.set(Some(Rc::new(acts)));
                }
            }
            Event::Pictures {
                run,
                step,
                channels,
                grid,
                ..
            } if self.is_latest(run) => {
                let recipe = self.latest.borrow().as_ref().map(|(_, r)| r.clone());
                let acts = activations_beside(channels, grid, attachment);
                if let (Some(recipe), Some(acts)) = (recipe, acts) {
                    self.state
                        .picture
                        .set(Some(Rc::new(Picture { recipe, step, acts })));
                }
            }
            Event::Kept { names } => self.state.kept_photos.set(Some(names)),
            Event::Paused { paused, step } => {
                if paused {
                    self.paint_kept();
                }
                self.state.paused_at.set(paused.then_some(step))
            }
            Event::Target {
                model,
                layer,
                toward,
                values,
            } => self.state.targets.update(|t| {
                super::toward::remember(t, model, layer, &toward, values);
            }),
            Event::Meter {
                layer,
                photos: Photos::Shipped,
                meter,
            } => self.state.meters.update(|m| {
                m.insert(layer, *meter);
            }),
            Event::Meter {
                layer,
                photos: Photos::Large,
                meter,
            } => {
                self.state.large_progress.set(None);
                self.state.large_meters.update(|m| {
                    m.insert(layer, *meter);
                })
            }
            // The supervisor's events, and those of superseded runs.
            Event::Loading { .. }
            | Event::Ready { .. }
            | Event::DeviceLost { .. }
            | Event::Crashed { .. }
            | Event::Frame { .. }
            | Event::Checkpoint { .. }
            | Event::Pictures { .. }
            | Event::Done { .. }
            | Event::Failed { .. }
            | Event::Tiles { .. } => {}
        }
    }

    fn on_ready(&self, again: bool) {
        // A new engine has none of the old one's large-pool work; the buttons ask again.
        self.state.large_progress.set(None);
        if self.state.paused.get_untracked() {
            self.post(&Command::Pause);
        }
        if preference::KEEP_PHOTOS.get() {
            self.post(&Command::KeepPhotos { keep: true });
        }
        if again {
            // The new engine's pool has only the shipped (and kept) photos: what the page holds
            // of the old one's is dropped, and the examples and probe ask again.
            self.state.pool_crops.set(None);
            self.state.pool_activations.set(None);
            // A new engine for the same page: same recipe, from the last checkpoint.
            self.next.set(if self.checkpoint.borrow().is_some() {
                Next::Resume
            } else {
                Next::Cold
            });
            self.rerender.update(|k| *k += 1);
            return;
        }
        let weights = self
            .state
            .engine
            .weights
            .get_untracked()
            .unwrap_or_default();
        let defaults = Recipe::for_network(self.state.network, weights.clone());
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
        self.next.set(Next::Cold);
        self.state.recipe.set(recipe);
    }

    /// Keeps a frame of `run` as the image to show (and to download); [`Self::paint_kept`] puts
    /// it on the canvas.
    fn keep(&self, run: RunId, step: u32, size: u32, rgba: Vec<u8>) {
        let recipe = self
            .latest
            .borrow()
            .as_ref()
            .map(|(_, recipe)| recipe.clone());
        if let Some(recipe) = recipe {
            *self.shown.borrow_mut() = Some(OnCanvas {
                recipe,
                step,
                size,
                rgba,
            });
            self.held.set(Some((run, step)));
        }
    }

    /// Paints the kept frame if it is held back and still belongs to the newest run.
    fn paint_kept(&self) {
        let Some((run, step)) = self.held.take().filter(|&(run, _)| self.is_latest(run)) else {
            return;
        };
        if let (Some(canvas), Some(shown)) = (self.canvas.get_untracked(), &*self.shown.borrow()) {
            super::canvas::draw(&canvas, shown.size, &shown.rgba);
        }
        self.state.shown_run.set(run);
        self.state.shown_step.set(step);
    }

    /// The frame the canvas shows (the newest, painted first if reduced motion held it back, so
    /// what is frozen or downloaded is what the reader sees): its recipe, step, size and RGBA.
    pub fn shown_frame(&self) -> Option<(Recipe, u32, u32, Vec<u8>)> {
        self.paint_kept();
        self.shown.borrow().as_ref().map(|shown| {
            (
                shown.recipe.clone(),
                shown.step,
                shown.size,
                shown.rgba.clone(),
            )
        })
    }

    /// The link to the current state (not the address bar, which may lag behind).
    pub fn link_here(&self) -> String {
        let recipe = self.state.recipe.get_untracked();
        link_to(&Link::fragment(&recipe, &self.link.hide, self.link.present))
    }
}
