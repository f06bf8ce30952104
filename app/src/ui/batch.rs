//! The page's side of batch work (comparison sheets, quiz rounds): a queue of jobs sent to an
//! engine worker one at a time, their images handed to the page as they come, and the same
//! recovery as the single view — a GPU that fails moves the work to the CPU and the job starts
//! again there; an engine that dies on the CPU can be restarted by the user.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use basis_recipe::Recipe;
use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::state::EngineStatus;
use super::worker::{EngineWorker, Heard, NO_WORKER};
use crate::protocol::{Backend, Command, Event, RunId};

/// Recipes optimized together; they share layer, image settings and steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub recipes: Vec<Recipe>,
    pub transform_seed: u64,
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
        let command = Command::Batch {
            run,
            recipes: job.recipes.iter().map(Recipe::encode).collect(),
            transform_seed: job.transform_seed,
        };
        self.worker.post(&command, None);
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
            Event::Frame { .. }
            | Event::Checkpoint { .. }
            | Event::PoolProgress { .. }
            | Event::PoolCrops { .. }
            | Event::PoolActivations { .. }
            | Event::Meter { .. } => {}
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
        .map(|chunk| Job {
            recipes: chunk.to_vec(),
            transform_seed,
        })
        .collect()
}
