//! The page's side of batch work (comparison sheets, quiz rounds, predict-the-response references):
//! a queue of jobs handed to engine workers one job at a time each (one engine on a GPU, one per
//! core on the CPU), their images handed to the page as they come, the photo pool's activations
//! for the layers the page asks for, and the same recovery as the single view — a GPU that fails
//! moves the work to the CPU and the job starts again there; an engine that dies on the CPU can
//! be restarted by the user.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use basis_recipe::Recipe;
use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::job_queue::JobQueue;
use super::state::{EngineStatus, PoolActivations, PoolCrops};
use super::worker::{EngineWorker, Heard, NO_WORKER};
use crate::protocol::{Backend, Command, Event, Meter, Photos, RunId};

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
type MeterListener = Box<dyn Fn(String, Meter)>;

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
    /// Steps done over every job of the queue, and whether all of them are finished (engines
    /// side by side finish jobs in any order).
    pub steps_done: u64,
    pub all_done: bool,
}

/// What the page shows about the engine.
#[derive(Clone, Copy)]
pub struct EngineView {
    pub status: RwSignal<EngineStatus>,
    pub weights: RwSignal<Option<String>>,
    pub fallback: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
    /// Engines computing side by side (more than one only on the CPU).
    pub engines: RwSignal<usize>,
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

/// At most this many engines side by side on the CPU: each holds its own copy of the network.
const MAX_ENGINES: usize = 4;

/// One engine worker; which job it works on is the queue's to know.
#[derive(Default)]
struct Slot {
    worker: EngineWorker,
    ready: Cell<bool>,
}

pub struct BatchEngine {
    pub view: EngineView,
    this: Weak<BatchEngine>,
    on_update: Box<dyn Fn(Tiles)>,
    on_pool: RefCell<Option<PoolListener>>,
    /// Layers whose pool activations the page still waits for, asked one at a time.
    pool_layers: RefCell<Vec<String>>,
    on_meter: RefCell<Option<MeterListener>>,
    /// Layers whose meter the page still waits for.
    meter_layers: RefCell<Vec<String>>,
    /// The main engine (first), whose state the page shows and which answers pool requests, and
    /// on the CPU helpers beside it: a wasm engine computes on one core, so each further core
    /// takes queued jobs of its own. A job's images do not depend on which engine makes them.
    slots: RefCell<Vec<Rc<Slot>>>,
    jobs: RefCell<Vec<Job>>,
    queue: RefCell<JobQueue>,
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
                engines: RwSignal::new(1),
            },
            this: this.clone(),
            on_update: Box::new(on_update),
            on_pool: RefCell::new(None),
            pool_layers: RefCell::default(),
            on_meter: RefCell::new(None),
            meter_layers: RefCell::default(),
            slots: RefCell::new(vec![Rc::default()]),
            jobs: RefCell::default(),
            queue: RefCell::default(),
        })
    }

    fn slot(&self, index: usize) -> Option<Rc<Slot>> {
        self.slots.borrow().get(index).cloned()
    }

    fn main(&self) -> Rc<Slot> {
        self.slot(0).expect("the main engine's slot")
    }

    /// Starts (or restarts) the worker of slot `index`.
    fn start_slot(&self, index: usize) -> bool {
        let Some(slot) = self.slot(index) else {
            return false;
        };
        slot.ready.set(false);
        let this = self.this.clone();
        let listener = Rc::new(move |generation: u64, heard: Heard| {
            if let Some(engine) = this.upgrade() {
                engine.hear(index, generation, heard);
            }
        });
        slot.worker.start(listener).is_ok()
    }

    pub fn start(&self) {
        self.view.status.set(EngineStatus::Starting {
            loaded: 0,
            total: 0,
        });
        if !self.start_slot(0) {
            self.view.status.set(EngineStatus::Stopped {
                message: NO_WORKER.into(),
            });
        }
    }

    /// On the CPU, with jobs waiting, one helper per further core (once).
    fn start_helpers(&self) {
        let on_cpu = matches!(
            self.view.status.get_untracked(),
            EngineStatus::Ready {
                backend: Backend::Cpu,
                ..
            }
        );
        if !on_cpu || self.slots.borrow().len() > 1 || !self.queue.borrow().has_waiting() {
            return;
        }
        let cores = window().navigator().hardware_concurrency() as usize;
        let count = cores.clamp(1, MAX_ENGINES);
        for index in 1..count {
            let slot = Rc::new(Slot::default());
            slot.worker.use_cpu_only();
            self.slots.borrow_mut().push(slot);
            self.start_slot(index);
        }
    }

    /// Replaces the queue with `jobs`; each engine takes the next as soon as it is ready.
    pub fn run(&self, jobs: Vec<Job>) {
        self.queue.borrow_mut().reset(jobs.len());
        *self.jobs.borrow_mut() = jobs;
        self.view.error.set(None);
        let slots = self.slots.borrow().clone();
        for (index, slot) in slots.iter().enumerate() {
            if slot.ready.get() {
                self.dispatch(index);
            }
        }
        self.start_helpers();
    }

    /// Asks for the privileged-basis meter at each of `layers`; each arrives at `on_meter`.
    /// Asked again of a new engine until it has arrived.
    pub fn ask_meters(&self, layers: Vec<String>, on_meter: impl Fn(String, Meter) + 'static) {
        *self.on_meter.borrow_mut() = Some(Box::new(on_meter));
        *self.meter_layers.borrow_mut() = layers;
        self.ask_meters_again();
    }

    fn ask_meters_again(&self) {
        let main = self.main();
        if main.ready.get() {
            for layer in self.meter_layers.borrow().iter() {
                let command = Command::Meter {
                    layer: layer.clone(),
                    photos: Photos::Shipped,
                };
                main.worker.post(&command, None);
            }
        }
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
        let main = self.main();
        if let Some(layer) = next
            && main.ready.get()
        {
            main.worker.post(&Command::Examples { layer }, None);
        }
    }

    fn pool(&self, update: PoolUpdate) {
        if let Some(on_pool) = self.on_pool.borrow().as_ref() {
            on_pool(update);
        }
    }

    /// Hands slot `index` the next queued job, if any.
    fn dispatch(&self, index: usize) {
        let Some(slot) = self.slot(index) else { return };
        let next = self.queue.borrow_mut().next_for(index);
        let command = next.and_then(|(job, run)| Some(self.jobs.borrow().get(job)?.command(run)));
        if let Some(command) = command {
            slot.worker.post(&command, None);
        }
    }

    /// Puts the job engine `index` could not finish back at the front, for the first idle engine.
    fn requeue(&self, index: usize) {
        self.queue.borrow_mut().take_back(index);
        let slots = self.slots.borrow().clone();
        let idle =
            (0..slots.len()).find(|&i| slots[i].ready.get() && self.queue.borrow().is_idle(i));
        if let Some(idle) = idle {
            self.dispatch(idle);
        }
    }

    fn count_engines(&self) {
        let ready = self.slots.borrow().iter().filter(|s| s.ready.get()).count();
        self.view.engines.set(ready.max(1));
    }

    fn hear(&self, index: usize, generation: u64, heard: Heard) {
        let Some(slot) = self.slot(index) else { return };
        if !slot.worker.is_current(generation) {
            return;
        }
        match heard {
            Heard::Event(event, attachment) => self.on_event(index, &slot, event, attachment),
            Heard::Death(message) => self.on_death(index, &slot, message),
        }
    }

    fn current_job(&self, index: usize, run: RunId) -> Option<usize> {
        self.queue.borrow().job_of(index, run)
    }

    fn on_tiles(&self, job: usize, tiles: Event, pixels: Vec<u8>) {
        let Event::Tiles {
            step,
            target,
            size,
            count,
            steps_per_second,
            ..
        } = tiles
        else {
            return;
        };
        let (steps_done, all_done) = self.queue.borrow_mut().record(job, step, target);
        let per_image = (size * size * 4) as usize;
        let images: Vec<Vec<u8>> = pixels
            .chunks_exact(per_image.max(1))
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
            steps_done,
            all_done,
        });
    }

    fn on_event(&self, index: usize, slot: &Slot, event: Event, attachment: Option<JsValue>) {
        let main = index == 0;
        match event {
            Event::Loading { loaded, total } if main => self
                .view
                .status
                .set(EngineStatus::Starting { loaded, total }),
            Event::Ready {
                backend,
                notice,
                weights,
            } => {
                slot.ready.set(true);
                if main {
                    super::loaded::announce_loaded();
                    self.view.weights.set(Some(weights));
                    self.view
                        .status
                        .set(EngineStatus::Ready { backend, notice });
                }
                // A restarted engine starts its job again, from the start.
                self.queue.borrow_mut().take_back(index);
                self.dispatch(index);
                self.count_engines();
                if main {
                    self.ask_next_layer();
                    self.ask_meters_again();
                    self.start_helpers();
                }
            }
            Event::Tiles { run, .. } => {
                let (Some(job), Some(pixels)) = (
                    self.current_job(index, run),
                    attachment.and_then(|a| a.dyn_into::<Uint8Array>().ok()),
                ) else {
                    return;
                };
                self.on_tiles(job, event, pixels.to_vec());
            }
            Event::Done { run, .. } if self.current_job(index, run).is_some() => {
                self.dispatch(index)
            }
            Event::Failed { run, message }
                if run.is_none_or(|run| self.current_job(index, run).is_some()) =>
            {
                self.view.error.set(Some(message));
                self.queue.borrow_mut().give_up(index);
            }
            Event::DeviceLost { message } if main => self.fall_back_to_cpu(&message),
            Event::DeviceLost { message } | Event::Crashed { message } => {
                self.on_death(index, slot, message)
            }
            Event::Meter {
                layer,
                photos: Photos::Shipped,
                meter,
            } if main => {
                let asked = self.meter_layers.borrow().contains(&layer);
                if asked {
                    self.meter_layers.borrow_mut().retain(|l| *l != layer);
                    if let Some(on_meter) = self.on_meter.borrow().as_ref() {
                        on_meter(layer, *meter);
                    }
                }
            }
            Event::PoolProgress {
                done,
                total,
                photos: Photos::Shipped,
                ..
            } if main => self.pool(PoolUpdate::Progress(done, total)),
            Event::PoolCrops { size, photos } if main => {
                if let Some(crops) = PoolCrops::from_event(size, photos, attachment) {
                    self.pool(PoolUpdate::Crops(crops));
                }
            }
            Event::PoolActivations {
                layer,
                channels,
                grid,
            } if main => {
                let asked = self.pool_layers.borrow().first() == Some(&layer);
                if let Some(acts) = PoolActivations::from_event(layer, channels, grid, attachment) {
                    if asked {
                        self.pool_layers.borrow_mut().remove(0);
                    }
                    self.pool(PoolUpdate::Activations(acts));
                    self.ask_next_layer();
                }
            }
            _ => {}
        }
    }

    fn on_death(&self, index: usize, slot: &Slot, message: String) {
        if !slot.worker.stop() {
            return;
        }
        slot.ready.set(false);
        self.count_engines();
        if index > 0 {
            // A helper that dies is not replaced; its job goes to another engine.
            self.requeue(index);
            return;
        }
        if self.view.status.with_untracked(EngineStatus::on_gpu) {
            self.fall_back_to_cpu(&message);
        } else {
            // Helpers go on meanwhile, with this engine's job too.
            self.requeue(index);
            self.view.status.set(EngineStatus::Stopped { message });
        }
    }

    fn fall_back_to_cpu(&self, why: &str) {
        self.view.fallback.set(Some(format!(
            "The GPU stopped working ({why}). Basis goes on on the CPU; the images being made start again there."
        )));
        self.main().worker.use_cpu_only();
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
