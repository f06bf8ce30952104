//! The page's side of batch work (comparison sheets, quiz rounds, predict-the-response references):
//! a queue of jobs handed to engine workers one job at a time each (one engine on a GPU, one per
//! core on the CPU), their images handed to the page as they come, the photo pool's activations
//! for the layers the page asks for. The main engine's `Supervisor` recovers as the single view's
//! does — a GPU that fails moves the work to the CPU and the job starts again there; an engine
//! that dies on the CPU can be restarted by the user — and a helper that dies hands its job to
//! another engine.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use basis_featvis::pool::Activations;
use basis_models::Network;
use basis_recipe::Recipe;
use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::engine_status::EngineStatusBar;
use super::job_queue::JobQueue;
use super::state::{PoolActivations, PoolCrops, activations_beside};
use super::supervisor::{EngineStatus, EngineView, Supervisor, Told};
use super::worker::{EngineWorker, FromWorker};
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

    /// The engine's command for this job; `measure`: send the finished pictures' activations.
    fn command(&self, run: RunId, measure: bool) -> Command {
        match self {
            Job::Batch {
                recipes,
                transform_seed,
            } => Command::Batch {
                run,
                recipes: recipes.iter().map(Recipe::encode).collect(),
                transform_seed: *transform_seed,
                measure,
            },
            Job::References(direction) => Command::References {
                run,
                recipe: direction.encode(),
                measure,
            },
        }
    }
}

type PoolListener = Box<dyn Fn(PoolUpdate)>;
type MeterListener = Box<dyn Fn(String, Meter)>;
type PicturesListener = Box<dyn Fn(usize, Activations)>;

/// What the engine reports of the photo pool.
pub enum PoolUpdate {
    /// Crops through the network so far, of all.
    Progress(u32, u32),
    Crops(PoolCrops),
    Activations(PoolActivations),
}

/// Images of job `job` after `step` of `target` steps, one RGBA array per recipe.
pub struct JobImages {
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

/// At most this many engines side by side on the CPU: each holds its own copy of the network.
const MAX_ENGINES: usize = 4;

pub struct BatchEngine {
    pub view: EngineView,
    /// Why the last job failed, if it did.
    pub error: RwSignal<Option<String>>,
    this: Weak<BatchEngine>,
    on_update: Box<dyn Fn(JobImages)>,
    on_pool: RefCell<Option<PoolListener>>,
    /// Layers whose pool activations the page still waits for, asked one at a time.
    pool_layers: RefCell<Vec<String>>,
    on_meter: RefCell<Option<MeterListener>>,
    /// Gets each finished job's pictures' activations at their layer, with the job's index.
    on_pictures: RefCell<Option<PicturesListener>>,
    /// Layers whose meter the page still waits for.
    meter_layers: RefCell<Vec<String>>,
    /// What the engines resolved the jobs' directions to where the page cannot (the network's
    /// own and learned directions), as the single view keeps them.
    targets: RefCell<super::toward::Targets>,
    /// The engine whose state the page shows and which answers pool requests (engine 0).
    main: Supervisor,
    /// The network every engine of the page runs.
    network: Network,
    /// On the CPU, helpers beside it (engines 1, 2, …): a wasm engine computes on one core, so
    /// each further core takes queued jobs of its own. A job's images do not depend on which
    /// engine makes them. A helper that dies is not replaced.
    helpers: RefCell<Vec<Rc<EngineWorker>>>,
    /// Whether each engine (main first) is ready for a job; which job it has is the queue's.
    ready: RefCell<Vec<bool>>,
    jobs: RefCell<Vec<Job>>,
    queue: RefCell<JobQueue>,
}

impl BatchEngine {
    pub fn new(network: Network, on_update: impl Fn(JobImages) + 'static) -> Rc<Self> {
        Rc::new_cyclic(|this: &Weak<BatchEngine>| {
            let weak = this.clone();
            let listener = Rc::new(move |generation: u64, heard: FromWorker| {
                if let Some(engine) = weak.upgrade() {
                    engine.hear_main(generation, heard);
                }
            });
            let view = EngineView::default();
            BatchEngine {
                view,
                error: RwSignal::new(None),
                this: this.clone(),
                on_update: Box::new(on_update),
                on_pool: RefCell::new(None),
                pool_layers: RefCell::default(),
                on_meter: RefCell::new(None),
                on_pictures: RefCell::new(None),
                meter_layers: RefCell::default(),
                targets: RefCell::default(),
                main: Supervisor::new(
                    view,
                    network,
                    "; the images being made start again there",
                    listener,
                ),
                network,
                helpers: RefCell::default(),
                ready: RefCell::new(vec![false]),
                jobs: RefCell::default(),
                queue: RefCell::default(),
            }
        })
    }

    /// Starts the main engine, or a new one after it stopped (the user asked): its job starts
    /// again.
    pub fn start(&self) {
        self.main.start();
    }

    fn is_ready(&self, index: usize) -> bool {
        self.ready.borrow().get(index).copied().unwrap_or(false)
    }

    fn set_ready(&self, index: usize, ready: bool) {
        if let Some(slot) = self.ready.borrow_mut().get_mut(index) {
            *slot = ready;
        }
        let count = self.ready.borrow().iter().filter(|r| **r).count();
        self.view.engines.set(count.max(1));
    }

    fn helper(&self, index: usize) -> Option<Rc<EngineWorker>> {
        self.helpers.borrow().get(index.checked_sub(1)?).cloned()
    }

    fn post_to(&self, index: usize, command: &Command) {
        match index {
            0 => self.main.post(command, None),
            _ => {
                if let Some(helper) = self.helper(index) {
                    helper.post(command, None);
                }
            }
        }
    }

    /// On the CPU, with jobs waiting, one helper per further core (once).
    fn start_helpers(&self) {
        let on_cpu = self.view.status.with_untracked(EngineStatus::backend) == Some(Backend::Cpu);
        if !on_cpu || !self.helpers.borrow().is_empty() || !self.queue.borrow().has_waiting() {
            return;
        }
        for index in 1..expected_engines(Some(Backend::Cpu)) {
            let helper = Rc::new(EngineWorker::new(self.network));
            helper.use_cpu_only();
            self.helpers.borrow_mut().push(helper.clone());
            self.ready.borrow_mut().push(false);
            let this = self.this.clone();
            let listener = Rc::new(move |generation: u64, heard: FromWorker| {
                if let Some(engine) = this.upgrade() {
                    engine.hear_helper(index, generation, heard);
                }
            });
            if helper.start(listener).is_err() {
                return; // The main engine goes on alone.
            }
        }
    }

    /// Replaces the queue with `jobs`; each engine takes the next as soon as it is ready.
    pub fn run(&self, jobs: Vec<Job>) {
        self.queue.borrow_mut().reset(jobs.len());
        *self.jobs.borrow_mut() = jobs;
        self.error.set(None);
        let engines = self.ready.borrow().len();
        for index in (0..engines).filter(|&i| self.is_ready(i)) {
            self.dispatch(index);
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
        if self.is_ready(0) {
            for layer in self.meter_layers.borrow().iter() {
                let command = Command::Meter {
                    layer: layer.clone(),
                    photos: Photos::Shipped,
                };
                self.main.post(&command, None);
            }
        }
    }

    /// Each finished job's pictures' activations at their layer, as they come.
    pub fn on_pictures(&self, on_pictures: impl Fn(usize, Activations) + 'static) {
        *self.on_pictures.borrow_mut() = Some(Box::new(on_pictures));
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
            && self.is_ready(0)
        {
            self.main.post(&Command::Examples { layer }, None);
        }
    }

    fn pool(&self, update: PoolUpdate) {
        if let Some(on_pool) = self.on_pool.borrow().as_ref() {
            on_pool(update);
        }
    }

    /// Hands engine `index` the next queued job, if any.
    fn dispatch(&self, index: usize) {
        if self.holds_back(index) {
            return;
        }
        let next = self.queue.borrow_mut().next_for(index);
        let measure = self.on_pictures.borrow().is_some();
        let command =
            next.and_then(|(job, run)| Some(self.jobs.borrow().get(job)?.command(run, measure)));
        if let Some(command) = command {
            self.post_to(index, &command);
        }
    }

    /// The main engine leaves queued jobs to its helpers while it computes the photo pool the page
    /// waits for (a predict round needs its references and its layer's crops: made side by side,
    /// round 1 is ready sooner). Alone on its core, or on a GPU, it takes them anyway.
    fn holds_back(&self, index: usize) -> bool {
        let on_cpu = self.view.status.with_untracked(EngineStatus::backend) == Some(Backend::Cpu);
        index == 0
            && on_cpu
            && !self.pool_layers.borrow().is_empty()
            && expected_engines(Some(Backend::Cpu)) > 1
    }

    /// Puts the job engine `index` could not finish back at the front, for the first idle engine.
    fn requeue(&self, index: usize) {
        self.queue.borrow_mut().take_back(index);
        let engines = self.ready.borrow().len();
        let idle = (0..engines).find(|&i| self.is_ready(i) && self.queue.borrow().is_idle(i));
        if let Some(idle) = idle {
            self.dispatch(idle);
        }
    }

    fn hear_main(&self, generation: u64, heard: FromWorker) {
        match self.main.hear(generation, heard) {
            Told::Event(event, attachment) => self.on_event(0, event, attachment),
            Told::Ready { .. } => {
                self.on_ready(0);
                self.ask_next_layer();
                self.ask_meters_again();
                self.start_helpers();
            }
            // The new engine starts the job again once it is ready.
            Told::MovedToCpu => self.set_ready(0, false),
            Told::Stopped => {
                // Helpers go on meanwhile, with this engine's job too.
                self.set_ready(0, false);
                self.requeue(0);
            }
            Told::Nothing => {}
        }
    }

    fn hear_helper(&self, index: usize, generation: u64, heard: FromWorker) {
        let Some(helper) = self.helper(index) else {
            return;
        };
        if !helper.is_current(generation) {
            return;
        }
        match heard {
            FromWorker::Event(Event::Ready { .. }, _) => self.on_ready(index),
            FromWorker::Event(Event::Crashed { .. } | Event::DeviceLost { .. }, _)
            | FromWorker::Death(_) => {
                if helper.stop() {
                    self.set_ready(index, false);
                    self.requeue(index);
                }
            }
            FromWorker::Event(event, attachment) => self.on_event(index, event, attachment),
        }
    }

    /// A ready engine takes its job again from the start (a restarted one), or the next.
    fn on_ready(&self, index: usize) {
        self.set_ready(index, true);
        self.queue.borrow_mut().take_back(index);
        self.dispatch(index);
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
        (self.on_update)(JobImages {
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

    /// The unit vector `recipe` turns toward, where the page or an engine knows it.
    pub fn target(&self, recipe: &basis_recipe::Recipe) -> Option<Vec<f64>> {
        super::toward::target(recipe, &self.targets.borrow())
    }

    fn on_event(&self, index: usize, event: Event, attachment: Option<JsValue>) {
        let main = index == 0;
        match event {
            Event::Target {
                model,
                layer,
                toward,
                values,
            } => {
                let mut targets = self.targets.borrow_mut();
                super::toward::remember(&mut targets, model, layer, &toward, values);
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
            Event::Pictures {
                run,
                channels,
                grid,
                ..
            } => {
                let (Some(job), Some(acts)) = (
                    self.current_job(index, run),
                    activations_beside(channels, grid, attachment),
                ) else {
                    return;
                };
                if let Some(on_pictures) = self.on_pictures.borrow().as_ref() {
                    on_pictures(job, acts);
                }
            }
            Event::Done { run, .. } if self.current_job(index, run).is_some() => {
                self.dispatch(index)
            }
            Event::Failed { run, message }
                if run.is_none_or(|run| self.current_job(index, run).is_some()) =>
            {
                self.error.set(Some(message));
                self.queue.borrow_mut().give_up(index);
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
                    if self.is_ready(0) && self.queue.borrow().is_idle(0) {
                        self.dispatch(0);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The status bar of a page whose engine is a `BatchEngine`.
#[component]
pub fn BatchStatus(engine: StoredValue<Rc<BatchEngine>, LocalStorage>) -> impl IntoView {
    let (view, error) = engine.with_value(|e| (e.view, e.error));
    view! {
        <EngineStatusBar
            view=view
            kept="Nothing else is lost."
            restart=Callback::new(move |_| engine.with_value(|e| e.start()))
            job_error=error
        />
    }
}

/// Each of `layers` once, in the order first met: the order a page asks for their pools.
pub fn layers_in_order<'a>(layers: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut distinct: Vec<String> = Vec::new();
    for layer in layers {
        if !distinct.iter().any(|l| l == layer) {
            distinct.push(layer.to_owned());
        }
    }
    distinct
}

/// Cuts `recipes` into jobs a batch can hold, in order: the first alone, so one picture is
/// finished soon, then the rest in about equal parts for `engines` engines side by side. Every
/// job draws the same transforms (one draw per step for a whole batch), so how the recipes are
/// cut does not change what each one sees.
pub fn jobs(recipes: &[Recipe], transform_seed: u64, engines: usize) -> Vec<Job> {
    let Some((first, rest)) = recipes.split_first() else {
        return Vec::new();
    };
    let capacity = first.batch_capacity();
    let per_job = rest.len().div_ceil(engines.max(1)).clamp(1, capacity);
    std::iter::once(std::slice::from_ref(first))
        .chain(rest.chunks(per_job))
        .map(|chunk| Job::Batch {
            recipes: chunk.to_vec(),
            transform_seed,
        })
        .collect()
}

/// How many engines a batch page runs on `backend`: the GPU's one, or one per core on the CPU
/// (up to [`MAX_ENGINES`]; also while the backend is not known yet).
pub fn expected_engines(backend: Option<Backend>) -> usize {
    match backend {
        Some(Backend::WebGpu) => 1,
        _ => {
            let cores = window().navigator().hardware_concurrency() as usize;
            cores.clamp(1, MAX_ENGINES)
        }
    }
}
