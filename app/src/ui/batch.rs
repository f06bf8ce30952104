//! The page's side of batch work (comparison sheets, quiz rounds, predict-the-response references):
//! a queue of jobs sent to an engine worker one at a time, their images handed to the page as they
//! come, the photo pool's activations for the layers the page asks for, and the same recovery as
//! the single view — a GPU that fails moves the work to the CPU and the job starts again there;
//! an engine that dies on the CPU can be restarted by the user.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use basis_recipe::Recipe;
use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::state::{EngineStatus, PoolActivations, PoolCrops};
use super::worker::{EngineWorker, Heard, NO_WORKER};
use crate::protocol::{Backend, Command, Event, RunId};

#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// Recipes optimized together; they share layer, image settings and steps.
    Batch {
        recipes: Vec<Recipe>,
        transform_seed: u64,
    },
    /// A direction's four predict-the-response references.
    References(Recipe),
}

impl Job {
    /// How many images the job makes.
    pub fn images(&self) -> usize {
        match self {
            Job::Batch { recipes, .. } => recipes.len(),
            Job::References(_) => basis_recipe::REFERENCES,
        }
    }

    fn command(&self, run: RunId) -> Command {
        match self {
            Job::Batch {
                recipes,
                transform_seed,
            } => Command::Batch {
                run,
                recipes: recipes.iter().map(Recipe::encode).collect(),
                transform_seed: *transform_seed,
            },
            Job::References(direction) => Command::References {
                run,
                recipe: direction.encode(),
            },
        }
    }
}

type PoolListener = Box<dyn Fn(PoolUpdate)>;

/// What the engine reports of the photo pool.
pub enum PoolUpdate {
    /// Crops through the network so far, of all.
    Progress(u32, u32),
    Crops(PoolCrops),
    Activations(PoolActivations),
}

/// Images of job `job` after `step` of `target` steps, one RGBA array per recipe.
pub struct Tiles {
    pub job: usize,
    pub step: u32,
    pub target: u32,
    pub size: u32,
    pub images: Vec<Vec<u8>>,
    pub steps_per_second: f32,
    pub done: bool,
}

/// What the page shows about the engine.
#[derive(Clone, Copy)]
pub struct EngineView {
    pub status: RwSignal<EngineStatus>,
    pub weights: RwSignal<Option<String>>,
    pub fallback: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
}

impl EngineView {
    /// Says in `message` when the engine's weights are not the ones `expected` by the link: its
    /// images could not be reproduced.
    pub fn warn_on_other_weights(self, expected: String, message: RwSignal<Option<String>>) {
        Effect::new(move |_| {
            let Some(weights) = self.weights.get() else {
                return;
            };
            if weights != expected {
                message.set(Some(format!(
                    "This quiz was made with other weights ({expected}; this page has {weights}), so its images cannot be reproduced here. Ask for a quiz made with this version of Basis."
                )));
            }
        });
    }

    pub fn backend(&self) -> Option<Backend> {
        match self.status.get() {
            EngineStatus::Ready { backend, .. } => Some(backend),
            _ => None,
        }
    }
}

pub struct BatchEngine {
    pub view: EngineView,
    this: Weak<BatchEngine>,
    on_update: Box<dyn Fn(Tiles)>,
    on_pool: RefCell<Option<PoolListener>>,
    /// Layers whose pool activations the page still waits for, asked one at a time.
    pool_layers: RefCell<Vec<String>>,
    worker: EngineWorker,
    jobs: RefCell<Vec<Job>>,
    /// The job the engine works on (index into `jobs`) and its run id.
    current: Cell<Option<(usize, RunId)>>,
    next_run: Cell<RunId>,
}

impl BatchEngine {
    pub fn new(on_update: impl Fn(Tiles) + 'static) -> Rc<Self> {
        Rc::new_cyclic(|this| BatchEngine {
            view: EngineView {
                status: RwSignal::new(EngineStatus::Starting {
                    loaded: 0,
                    total: 0,
                }),
                weights: RwSignal::new(None),
                fallback: RwSignal::new(None),
                error: RwSignal::new(None),
            },
            this: this.clone(),
            on_update: Box::new(on_update),
            on_pool: RefCell::new(None),
            pool_layers: RefCell::default(),
            worker: EngineWorker::default(),
            jobs: RefCell::default(),
            current: Cell::new(None),
            next_run: Cell::new(1),
        })
    }

    pub fn start(&self) {
        self.view.status.set(EngineStatus::Starting {
            loaded: 0,
            total: 0,
        });
        let this = self.this.clone();
        let listener = Rc::new(move |generation: u64, heard: Heard| {
            if let Some(engine) = this.upgrade() {
                engine.hear(generation, heard);
            }
        });
        if self.worker.start(listener).is_err() {
            self.view.status.set(EngineStatus::Stopped {
                message: NO_WORKER.into(),
            });
        }
    }

    /// Replaces the queue with `jobs` and starts the first one (as soon as the engine is ready).
    pub fn run(&self, jobs: Vec<Job>) {
        *self.jobs.borrow_mut() = jobs;
        self.view.error.set(None);
        self.send(0);
    }

    /// Asks for the photo pool's activations at each of `layers`, in order; each arrives at
    /// `on_pool` (after the crops, the first time). Asked again of a new engine.
    pub fn ask_pool(&self, layers: Vec<String>, on_pool: impl Fn(PoolUpdate) + 'static) {
        *self.on_pool.borrow_mut() = Some(Box::new(on_pool));
        *self.pool_layers.borrow_mut() = layers;
        self.ask_next_layer();
    }

    fn ask_next_layer(&self) {
        let next = self.pool_layers.borrow().first().cloned();
        if let Some(layer) = next
            && self.view.status.with_untracked(EngineStatus::ready)
        {
            self.worker.post(&Command::Examples { layer }, None);
        }
    }

    fn pool(&self, update: PoolUpdate) {
        if let Some(on_pool) = self.on_pool.borrow().as_ref() {
            on_pool(update);
        }
    }

    fn send(&self, index: usize) {
        let job = self.jobs.borrow().get(index).cloned();
        let Some(job) = job else {
            self.current.set(None);
            return;
        };
        let run = self.next_run.get();
        self.next_run.set(run + 1);
        self.current.set(Some((index, run)));
        if !self.view.status.with_untracked(EngineStatus::ready) {
            return; // Sent again when the engine is ready.
        }
        self.worker.post(&job.command(run), None);
    }

    fn hear(&self, generation: u64, heard: Heard) {
        if !self.worker.is_current(generation) {
            return;
        }
        match heard {
            Heard::Event(event, attachment) => self.on_event(event, attachment),
            Heard::Death(message) => self.on_death(message),
        }
    }

    fn current_job(&self, run: RunId) -> Option<usize> {
        self.current
            .get()
            .and_then(|(job, current)| (current == run).then_some(job))
    }

    fn on_event(&self, event: Event, attachment: Option<JsValue>) {
        match event {
            Event::Loading { loaded, total } => self
                .view
                .status
                .set(EngineStatus::Starting { loaded, total }),
            Event::Ready {
                backend,
                notice,
                weights,
            } => {
                self.view.weights.set(Some(weights));
                self.view
                    .status
                    .set(EngineStatus::Ready { backend, notice });
                if let Some((job, _)) = self.current.get() {
                    self.send(job); // Again, from the start, on the new engine.
                }
                self.ask_next_layer();
            }
            Event::Tiles {
                run,
                step,
                target,
                size,
                count,
                steps_per_second,
            } => {
                let (Some(job), Some(pixels)) = (
                    self.current_job(run),
                    attachment.and_then(|a| a.dyn_into::<Uint8Array>().ok()),
                ) else {
                    return;
                };
                let pixels = pixels.to_vec();
                let per_image = (size * size * 4) as usize;
                let images: Vec<Vec<u8>> = pixels
                    .chunks_exact(per_image)
                    .take(count as usize)
                    .map(<[u8]>::to_vec)
                    .collect();
                (self.on_update)(Tiles {
                    job,
                    step,
                    target,
                    size,
                    images,
                    steps_per_second,
                    done: step >= target,
                });
            }
            Event::Done { run, .. } => {
                if let Some(job) = self.current_job(run) {
                    self.send(job + 1);
                }
            }
            Event::Failed { run, message } => {
                if run.is_none_or(|run| self.current_job(run).is_some()) {
                    self.view.error.set(Some(message));
                    self.current.set(None);
                }
            }
            Event::DeviceLost { message } => self.fall_back_to_cpu(&message),
            Event::Crashed { message } => self.on_death(message),
            Event::PoolProgress { done, total, .. } => self.pool(PoolUpdate::Progress(done, total)),
            Event::PoolCrops { size, photos } => {
                if let Some(crops) = PoolCrops::from_event(size, photos, attachment) {
                    self.pool(PoolUpdate::Crops(crops));
                }
            }
            Event::PoolActivations {
                layer,
                channels,
                grid,
            } => {
                let asked = self.pool_layers.borrow().first() == Some(&layer);
                if let Some(acts) = PoolActivations::from_event(layer, channels, grid, attachment) {
                    if asked {
                        self.pool_layers.borrow_mut().remove(0);
                    }
                    self.pool(PoolUpdate::Activations(acts));
                    self.ask_next_layer();
                }
            }
            Event::Frame { .. }
            | Event::Checkpoint { .. }
            | Event::Meter { .. }
            | Event::Kept { .. } => {}
        }
    }

    fn on_death(&self, message: String) {
        if !self.worker.stop() {
            return;
        }
        if self.view.status.with_untracked(EngineStatus::on_gpu) {
            self.fall_back_to_cpu(&message);
        } else {
            self.view.status.set(EngineStatus::Stopped { message });
        }
    }

    fn fall_back_to_cpu(&self, why: &str) {
        self.view.fallback.set(Some(format!(
            "The GPU stopped working ({why}). Basis goes on on the CPU; the images being made start again there."
        )));
        self.worker.use_cpu_only();
        self.start();
    }

    /// The user asked for a new engine after it stopped: the current job starts again.
    pub fn restart(&self) {
        self.start();
    }
}

/// Cuts `recipes` into jobs a batch can hold, in order.
pub fn jobs(recipes: &[Recipe], transform_seed: u64) -> Vec<Job> {
    let capacity = recipes.first().map_or(1, Recipe::batch_capacity);
    recipes
        .chunks(capacity)
        .map(|chunk| Job::Batch {
            recipes: chunk.to_vec(),
            transform_seed,
        })
        .collect()
}
