//! The worker side: download and check the weights, place the network on WebGPU or the CPU, then
//! serve render requests: step the current run, post its frames and checkpoints, and read
//! commands between steps. Each job lives in its own module; `runs` decides, this module acts.

mod batch;
mod device;
mod download;
mod kept;
mod large_pool;
mod log;
mod mailbox;
mod measured;
mod pool;
mod rate;
pub mod runs;
mod shipped;
mod start_photos;

use std::collections::HashMap;

use basis_featvis::{Frame, Objective, Session, direction};
use basis_models::EfficientNetLite;
use basis_recipe::{LearnedFrom, Recipe, Toward};
use burn::tensor::Device;
use js_sys::{Float32Array, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::DedicatedWorkerGlobalScope;

use crate::protocol::{Backend, Command, EngineName, Event, Fault, Photos, RunId};
use mailbox::{Inbox, Mail, Outbox};
use rate::StepRate;
use runs::{Burst, Job, Request, Runs, Start};

/// Steps between two checkpoints the page keeps for recovery.
const CHECKPOINT_EVERY: u32 = 8;
/// On a GPU the live view reads a frame (and the objective) back every few steps, so the device
/// is not waited for at every step; on the CPU a read is a copy, and every step is shown. A
/// checkpoint (every [`CHECKPOINT_EVERY`] steps) falls on a shown step.
const GPU_FRAME_EVERY: u32 = 4;

/// Entry point of the worker.
pub async fn run() {
    log::init();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let outbox = Outbox(scope.clone());
    report_panics(outbox.clone());
    let inbox = Inbox::install(&scope, outbox.clone());
    match Engine::start(&scope, &outbox).await {
        Ok(engine) => engine.serve(inbox).await,
        Err(message) => outbox.send(&Event::Crashed { message }),
    }
}

/// A panic aborts the wasm instance; tell the page why first, in words, so it can say so and
/// start a new engine.
fn report_panics(outbox: Outbox) {
    std::panic::set_hook(Box::new(move |info| {
        console_error_panic_hook::hook(info);
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| info.to_string());
        outbox.send(&Event::Crashed { message });
    }));
}

struct Engine {
    scope: DedicatedWorkerGlobalScope,
    outbox: Outbox,
    device: Device,
    model: EfficientNetLite,
    backend: Backend,
    weights: String,
    runs: Runs,
    session: Option<Session>,
    rate: StepRate,
    /// Times the first step of each new session: on WebGPU it compiles the kernels.
    first_step: Option<log::Stopwatch>,
    /// A batch being optimized instead of a single image.
    job: Option<batch::BatchRun>,
    pool: pool::Pool,
    large_pool: large_pool::LargePool,
    /// Whether the large pool had the last turn.
    large_turn: bool,
    /// The network's own directions read from the weights so far, by layer and kind.
    targets: HashMap<(String, Toward), Vec<f64>>,
    start_photos: start_photos::StartPhotos,
    /// The shipped photos, in their list's (file-name) order: what learned directions are
    /// learned from, never the user's.
    shipped: shipped::ShippedPhotos,
    /// Directions learned from the shipped photos so far, by layer and photos.
    learned: HashMap<(String, LearnedFrom), basis_featvis::learned::Learned>,
}

impl Engine {
    async fn start(scope: &DedicatedWorkerGlobalScope, outbox: &Outbox) -> Result<Self, String> {
        let mut watch = log::Stopwatch::start();
        let name = EngineName::parse(&scope.name());
        let weights = download::weights(scope, name.network, outbox).await?;
        watch.lap("downloaded and checked the weights");
        let cpu_only = name
            .cpu_only
            .then(|| "The GPU failed earlier on this page".to_owned());
        let placed = device::place(scope, name.network, weights.bytes, cpu_only).await?;
        watch.lap(&format!("placed the network on {}", placed.backend.label()));
        outbox.send(&Event::Ready {
            backend: placed.backend,
            notice: placed.notice,
            weights: weights.id.clone(),
        });
        let shipped = shipped::ShippedPhotos::default();
        Ok(Engine {
            scope: scope.clone(),
            outbox: outbox.clone(),
            device: placed.device,
            model: placed.model,
            backend: placed.backend,
            weights: weights.id,
            runs: Runs::default(),
            session: None,
            rate: StepRate::default(),
            first_step: None,
            job: None,
            pool: pool::Pool::new(shipped.clone()),
            large_pool: large_pool::LargePool::default(),
            large_turn: false,
            targets: HashMap::new(),
            start_photos: start_photos::StartPhotos::new(shipped.clone()),
            shipped,
            learned: HashMap::new(),
        })
    }

    fn steps_done(&self) -> u32 {
        self.session.as_ref().map_or(0, |s| s.steps() as u32)
    }

    async fn serve(mut self, inbox: Inbox) {
        loop {
            let mut burst = Burst::default();
            while let Some(mail) = inbox.try_next() {
                self.collect(&mut burst, mail);
            }
            let idle = self.runs.due(self.steps_done()).is_none()
                && self.job.is_none()
                && !self.pool.has_work()
                && !self.large_pool.has_work();
            if burst.is_empty() && idle {
                inbox.wait().await;
                continue;
            }
            if let Err(message) = self.turn(burst).await {
                // The page restarts the engine on the CPU; this one has nothing left to do.
                self.outbox.send(&Event::DeviceLost { message });
                return;
            }
            inbox.let_messages_in().await;
        }
    }

    /// Applies what the queue held, then takes one step if one is due. `Err` when the GPU is gone.
    async fn turn(&mut self, burst: Burst) -> Result<(), String> {
        self.apply(burst).await?;
        if self.pool.has_work() {
            self.pool
                .work(&self.scope, &self.outbox, &self.model, &self.device)
                .await;
            return Ok(());
        }
        // The large pool takes every other turn while the engine steps: the live view goes on,
        // slower, while a meter reads hundreds of photos.
        let stepping = self.job.is_some() || self.runs.due(self.steps_done()).is_some();
        if self.large_pool.has_work() && (!stepping || !self.large_turn) {
            self.large_turn = true;
            self.large_pool
                .work(&self.scope, &self.outbox, &self.model, &self.device)
                .await;
            return Ok(());
        }
        self.large_turn = false;
        if self.job.is_some() {
            return self.step_job().await;
        }
        match self.runs.due(self.steps_done()).map(|c| c.run) {
            Some(run) => self.step(run).await,
            None => Ok(()),
        }
    }

    /// One step of the batch job, its images when due. `Err` only when the GPU failed.
    async fn step_job(&mut self) -> Result<(), String> {
        let Some(job) = self.job.as_mut() else {
            return Ok(());
        };
        let run = job.run;
        match job.step(&self.outbox, &mut self.rate).await {
            Ok(done) => {
                if done {
                    self.job = None;
                }
                Ok(())
            }
            Err(message) if self.backend == Backend::WebGpu => Err(message),
            Err(message) => {
                self.job = None;
                self.outbox.send(&Event::Failed {
                    run: Some(run),
                    message,
                });
                Ok(())
            }
        }
    }

    /// Adds one command to the burst; a request that cannot be carried out is answered now.
    fn collect(&mut self, burst: &mut Burst, mail: Mail) {
        match mail.command {
            Command::Pause => burst.pause(true),
            Command::Resume => burst.pause(false),
            Command::Simulate { fault } => burst.fault(fault),
            Command::Examples { layer } => self.pool.ask_examples(layer),
            Command::Profile {
                photos: Photos::Shipped,
            } => self.pool.ask_profile(self.model.network()),
            Command::Profile {
                photos: Photos::Large,
            } => self.large_pool.ask_profile(self.model.network()),
            Command::Meter {
                layer,
                photos: Photos::Shipped,
            } => self.pool.ask_meter(layer),
            Command::Meter {
                layer,
                photos: Photos::Large,
            } => self.large_pool.ask_meter(layer),
            Command::Learn { layer } => self.pool.ask_learned(layer),
            Command::AddPhoto { name } => {
                self.pool.ask_to_add(name, mail.bytes.unwrap_or_default())
            }
            Command::KeepPhotos { keep } => self.pool.ask_to_keep(keep),
            Command::OwnPhoto { name } => {
                let bytes = mail.bytes.unwrap_or_default();
                if let Err(message) = self.start_photos.set_own(&name, &bytes) {
                    self.outbox.send(&Event::Failed { run: None, message });
                }
            }
            Command::Batch {
                run,
                recipes,
                transform_seed,
                measure,
            } => burst.job(Job::Batch {
                run,
                recipes,
                transform_seed,
                measure,
            }),
            Command::References {
                run,
                recipe,
                measure,
            } => burst.job(Job::References {
                run,
                recipe,
                measure,
            }),
            Command::Render {
                run,
                recipe,
                warm,
                resume,
            } => match self.request(run, &recipe, warm, resume, mail.attachment) {
                Ok(request) => {
                    self.job = None;
                    burst.request(request)
                }
                Err(message) => self.outbox.send(&Event::Failed {
                    run: Some(run),
                    message,
                }),
            },
        }
    }

    /// Replaces whatever ran with a batch job, or says why the job cannot start.
    async fn start_job(&mut self, job: Job) {
        self.runs.abandon();
        self.session = None;
        self.rate.reset();
        let run = job.run();
        let (started, measure) = match job {
            Job::Batch {
                run,
                recipes,
                transform_seed,
                measure,
            } => (self.batch(run, &recipes, transform_seed).await, measure),
            Job::References {
                run,
                recipe,
                measure,
            } => (self.references(run, &recipe).await, measure),
        };
        self.job = match started {
            Ok(job) => Some(job.measuring(measure)),
            Err(message) => {
                self.outbox.send(&Event::Failed {
                    run: Some(run),
                    message,
                });
                None
            }
        };
    }

    fn request(
        &self,
        run: RunId,
        text: &str,
        warm: bool,
        resume: Option<crate::protocol::ResumeAt>,
        params: Option<Vec<f32>>,
    ) -> Result<Request, String> {
        let recipe = Recipe::decode(text).map_err(|error| error.to_string())?;
        if recipe.weights != self.weights {
            return Err(format!(
                "the recipe was made with weights {}, but these are {}",
                recipe.weights, self.weights
            ));
        }
        let resume = match (resume, params) {
            (Some(resume), Some(params)) => Some((resume, params)),
            (Some(_), None) => return Err("a resumed run came without its image".into()),
            (None, _) => None,
        };
        Ok(Request {
            run,
            recipe,
            warm,
            resume,
        })
    }

    /// `Err` when the GPU is gone (see [`Engine::step`]).
    async fn apply(&mut self, burst: Burst) -> Result<(), String> {
        for fault in burst.faults {
            match fault {
                // As when the browser reports the device lost: at once, busy or idle.
                Fault::LoseDevice if self.backend == Backend::WebGpu => {
                    return Err("the GPU device was lost (simulated)".into());
                }
                Fault::LoseDevice => self.outbox.send(&Event::Failed {
                    run: None,
                    message: "there is no GPU to lose: the engine runs on the CPU".into(),
                }),
                Fault::Crash => panic!("the engine crashed on purpose (a simulated fault)"),
            }
        }
        if let Some(paused) = burst.paused {
            self.runs.set_paused(paused);
            self.rate.reset();
            self.outbox.send(&Event::Paused {
                paused,
                step: self.steps_done(),
            });
            // A paused image is shown as it is, not as it was at the last frame read back.
            if let (true, Some(run)) = (paused, self.runs.current().map(|c| c.run))
                && self.session.is_some()
                && self.backend == Backend::WebGpu
            {
                self.post_frame(run).await?;
            }
        }
        if let Some(job) = burst.job {
            self.start_job(job).await;
        }
        if let Some(request) = burst.request {
            let run = request.run;
            if let Err(message) = self.begin(request).await {
                self.runs.abandon();
                self.outbox.send(&Event::Failed {
                    run: Some(run),
                    message,
                });
            }
        }
        Ok(())
    }

    async fn begin(&mut self, request: Request) -> Result<(), String> {
        let start = self.runs.begin(&request, self.steps_done());
        let recipe = &request.recipe;
        let text = |error: basis_featvis::SessionError| error.to_string();
        let target = self.target(recipe).await?;
        let objective = Objective::for_recipe(recipe, &target).map_err(|e| e.to_string())?;
        let photo = match start {
            Start::Warm => None,
            Start::Cold | Start::Resumed => {
                self.start_photos.photo(&self.scope, &recipe.start).await?
            }
        };
        match (start, self.session.as_mut()) {
            (Start::Warm, Some(session)) => {
                session.set_objectives(vec![objective]).map_err(text)?;
            }
            _ => {
                let mut session = Session::new(
                    self.model.clone(),
                    &self.device,
                    recipe.image,
                    recipe.transforms,
                    objective,
                    recipe.seed,
                )
                .map_err(text)?;
                if let (Some(photo), Some(penalty)) = (photo, recipe.start.penalty()) {
                    session.accentuate(0, &photo, penalty).map_err(text)?;
                }
                if let Some((resume, params)) = request.resume {
                    session
                        .restore(params, resume.step as usize)
                        .map_err(text)?;
                }
                self.session = Some(session);
                self.first_step = Some(log::Stopwatch::start());
            }
        }
        self.rate.reset();
        if start == Start::Resumed {
            // Show the image it goes on from, straight away: the page must never look stuck.
            let frame = self.post_frame(request.run).await?;
            self.finish_if_done(request.run, frame).await?;
        }
        Ok(())
    }

    /// A batch job of `texts`, each recipe's target resolved as the single view's is.
    async fn batch(
        &mut self,
        run: RunId,
        texts: &[String],
        transform_seed: u64,
    ) -> Result<batch::BatchRun, String> {
        let recipes = batch::BatchRun::recipes(texts, &self.weights)?;
        let mut targets = Vec::with_capacity(recipes.len());
        for recipe in &recipes {
            targets.push(self.target(recipe).await?);
        }
        batch::BatchRun::start(
            &self.model,
            &self.device,
            run,
            &recipes,
            &targets,
            transform_seed,
        )
    }

    /// A predict-the-response round's references of the direction `text`.
    async fn references(&mut self, run: RunId, text: &str) -> Result<batch::BatchRun, String> {
        let direction = batch::decode(text, &self.weights)?;
        let target = self.target(&direction).await?;
        batch::BatchRun::references(&self.model, &self.device, run, &direction, &target)
    }

    /// What `recipe`'s slider turns toward. One of the network's own directions is read from the
    /// weights, a learned one learned from the shipped photos, once per layer and kind, and sent to
    /// the page, which has neither.
    async fn target(&mut self, recipe: &Recipe) -> Result<Vec<f64>, String> {
        if let Some(random) = direction::random_target(recipe) {
            return Ok(random);
        }
        let key = (recipe.layer.clone(), recipe.toward);
        if let Some(known) = self.targets.get(&key) {
            return Ok(known.clone());
        }
        let target = match recipe.toward.learned() {
            Some((from, _)) => self.learned(recipe, from).await?,
            None => direction::target(recipe, &self.model)
                .await
                .map_err(|e| e.to_string())?,
        };
        self.outbox.send(&Event::Target {
            model: recipe.model.clone(),
            layer: recipe.layer.clone(),
            toward: recipe.toward.to_string(),
            values: target.clone(),
        });
        self.targets.insert(key, target.clone());
        Ok(target)
    }

    /// `recipe`'s learned direction: ICA on `from`'s shipped photos' activations at its layer.
    async fn learned(&mut self, recipe: &Recipe, from: LearnedFrom) -> Result<Vec<f64>, String> {
        let key = (recipe.layer.clone(), from);
        if !self.learned.contains_key(&key) {
            let tap = recipe.tap().map_err(|e| e.to_string())?;
            let shipped = self.shipped.get(&self.scope).await?;
            let mut watch = log::Stopwatch::start();
            let learned = basis_featvis::learned::learn(
                &self.model,
                &self.device,
                tap,
                from,
                &shipped.photos,
            )
            .await
            .map_err(|e| e.to_string())?;
            watch.lap(&format!(
                "learned {} directions at {} ({from:?})",
                learned.directions.len(),
                recipe.layer
            ));
            self.learned.insert(key.clone(), learned);
        }
        self.learned[&key].target(recipe).map_err(|e| e.to_string())
    }

    /// One optimization step of `run`, its frame, and a checkpoint or "done" when due. `Err` only
    /// when the GPU failed, which this engine cannot recover from.
    async fn step(&mut self, run: RunId) -> Result<(), String> {
        let on_gpu = self.backend == Backend::WebGpu;
        let Some(session) = self.session.as_mut() else {
            return Ok(());
        };
        session.advance();
        let step = session.steps() as u32;
        let target = self.runs.current().map_or(0, |c| c.target);
        let every = if on_gpu { GPU_FRAME_EVERY } else { 1 };
        let shown = self.first_step.is_some() || step.is_multiple_of(every) || step >= target;
        let result = if shown {
            match session.last_objectives().await {
                Ok(values) => {
                    if let Some(mut watch) = self.first_step.take() {
                        let size = self.runs.current().map_or(0, |c| c.recipe.image.size);
                        watch.lap(&format!("first step at {size} px"));
                    }
                    self.post_step(run, values[0]).await
                }
                Err(error) => Err(error.to_string()),
            }
        } else {
            self.rate.tick(js_sys::Date::now());
            Ok(())
        };
        match result {
            Ok(()) => Ok(()),
            Err(message) if on_gpu => Err(message),
            Err(message) => {
                self.runs.abandon();
                self.outbox.send(&Event::Failed {
                    run: Some(run),
                    message,
                });
                Ok(())
            }
        }
    }

    async fn post_step(&mut self, run: RunId, objective: f32) -> Result<(), String> {
        let steps_per_second = self.rate.tick(js_sys::Date::now());
        let frame = self
            .post_frame_with(run, objective, steps_per_second)
            .await?;
        let step = self.steps_done();
        if step.is_multiple_of(CHECKPOINT_EVERY) {
            self.post_checkpoint(run).await?;
        }
        self.finish_if_done(run, frame).await
    }

    /// Posts the image as it is now; returns it.
    async fn post_frame(&mut self, run: RunId) -> Result<Frame, String> {
        let session = self.session.as_ref().ok_or("no session")?;
        let objective = session.evaluate().await.map_err(|e| e.to_string())?[0];
        self.post_frame_with(run, objective, 0.0).await
    }

    async fn post_frame_with(
        &self,
        run: RunId,
        objective: f32,
        steps_per_second: f32,
    ) -> Result<Frame, String> {
        let session = self.session.as_ref().ok_or("no session")?;
        let frame = session.frames().await.map_err(|e| e.to_string())?.remove(0);
        let rgba: Vec<u8> = frame.rgba().collect();
        let target = self.runs.current().map_or(0, |c| c.target);
        let pixels = Uint8Array::from(rgba.as_slice());
        self.outbox.send_with(
            &Event::Frame {
                run,
                step: session.steps() as u32,
                target,
                objective,
                steps_per_second,
                size: frame.width as u32,
            },
            &pixels,
            &pixels.buffer(),
        );
        Ok(frame)
    }

    async fn post_checkpoint(&self, run: RunId) -> Result<(), String> {
        let session = self.session.as_ref().ok_or("no session")?;
        let params = session.checkpoint().await.map_err(|e| e.to_string())?;
        let array = Float32Array::from(params.as_slice());
        let target = self.runs.current().map_or(0, |c| c.target);
        self.outbox.send_with(
            &Event::Checkpoint {
                run,
                step: session.steps() as u32,
                target,
            },
            &array,
            &array.buffer(),
        );
        Ok(())
    }

    /// "Done" when `run` has reached its target with `frame`, its last image, measured first.
    async fn finish_if_done(&self, run: RunId, frame: Frame) -> Result<(), String> {
        let step = self.steps_done();
        let Some(current) = self
            .runs
            .current()
            .filter(|c| c.run == run && step >= c.target)
        else {
            return Ok(());
        };
        if !step.is_multiple_of(CHECKPOINT_EVERY) {
            self.post_checkpoint(run).await?;
        }
        let finished = measured::Finished {
            run,
            step,
            frames: std::slice::from_ref(&frame),
        };
        let measured = match current.recipe.tap() {
            Ok(tap) => measured::post(&self.outbox, &self.model, &self.device, tap, finished).await,
            Err(error) => Err(error.to_string()),
        };
        // A picture that cannot be measured still finishes its run (the fidelity panel waits); a
        // lost GPU fails the next step and is recovered from there.
        if let Err(message) = measured {
            ::log::warn!("basis engine: could not measure the picture: {message}");
        }
        self.outbox.send(&Event::Done { run, step });
        Ok(())
    }
}
