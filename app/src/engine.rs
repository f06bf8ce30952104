//! The worker side: download and check the weights, start WebGPU or fall back to the CPU, then
//! step the optimization and post every frame, reading commands between steps.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use basis_featvis::Session;
use basis_models::EfficientNetLite0;
use basis_recipe::Recipe;
use burn::tensor::Device;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, ReadableStreamDefaultReader, Response};

use crate::protocol::{Backend, Command, Event};

const MANIFEST_URL: &str = "model/manifest.json";

/// What `basis setup-weights` wrote beside the weights.
#[derive(Deserialize)]
struct Manifest {
    file: String,
    bytes: u64,
    sha256: String,
    hash: String,
}

/// Entry point of the worker binary.
pub async fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let inbox = Inbox::install(&scope);
    let outbox = Outbox(scope.clone());
    match Engine::start(&scope, &outbox).await {
        Ok(engine) => engine.serve(inbox, outbox).await,
        Err(message) => outbox.send(&Event::Failed { message }),
    }
}

struct Outbox(DedicatedWorkerGlobalScope);

impl Outbox {
    fn send(&self, event: &Event) {
        let json = serde_json::to_string(event).expect("events serialize");
        // Posting only fails for uncloneable values; a string always clones.
        let _ = self.0.post_message(&JsValue::from_str(&json));
    }

    fn send_frame(&self, event: &Event, rgba: &[u8]) {
        let json = JsValue::from_str(&serde_json::to_string(event).expect("events serialize"));
        let pixels = Uint8Array::from(rgba);
        let _ = self
            .0
            .post_message_with_transfer(&Array::of2(&json, &pixels), &Array::of1(&pixels.buffer()));
    }
}

/// Commands arrive through `onmessage` while the engine is busy; they wait here.
#[derive(Clone)]
struct Inbox {
    queue: Rc<RefCell<VecDeque<Command>>>,
    waiting: Rc<RefCell<Option<Function>>>,
}

impl Inbox {
    fn install(scope: &DedicatedWorkerGlobalScope) -> Self {
        let inbox = Inbox {
            queue: Rc::default(),
            waiting: Rc::default(),
        };
        let receiver = inbox.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            // The page is the only sender; anything unreadable is dropped rather than fatal.
            if let Ok(command) = serde_json::from_str::<Command>(&text) {
                receiver.queue.borrow_mut().push_back(command);
                if let Some(wake) = receiver.waiting.borrow_mut().take() {
                    let _ = wake.call0(&JsValue::NULL);
                }
            }
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        inbox
    }

    fn try_next(&self) -> Option<Command> {
        self.queue.borrow_mut().pop_front()
    }

    async fn next(&self) -> Command {
        loop {
            if let Some(command) = self.try_next() {
                return command;
            }
            let waiting = self.waiting.clone();
            let _ = JsFuture::from(Promise::new(&mut |resolve, _| {
                *waiting.borrow_mut() = Some(resolve)
            }))
            .await;
        }
    }
}

/// Lets queued messages in between two steps (CPU steps never wait on the event loop otherwise).
async fn yield_to_events(scope: &DedicatedWorkerGlobalScope) {
    let promise = Promise::new(&mut |resolve, _| {
        let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = JsFuture::from(promise).await;
}

fn error_text(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| js_sys::Error::from(error).message().as_string())
        .unwrap_or_else(|| "unknown error".into())
}

struct Engine {
    scope: DedicatedWorkerGlobalScope,
    device: Device,
    model: EfficientNetLite0,
    weights: String,
}

/// The optimization in progress.
struct Run {
    session: Session,
    recipe: Recipe,
    target: u32,
}

impl Engine {
    async fn start(scope: &DedicatedWorkerGlobalScope, outbox: &Outbox) -> Result<Self, String> {
        let manifest: Manifest = serde_json::from_str(&fetch_text(scope, MANIFEST_URL).await?)
            .map_err(|error| format!("{MANIFEST_URL} is not a weights manifest: {error}"))?;
        let bytes = fetch_with_progress(
            scope,
            &format!("model/{}", manifest.file),
            manifest.bytes,
            outbox,
        )
        .await?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        if bytes.len() as u64 != manifest.bytes || sha256 != manifest.sha256 {
            return Err(format!(
                "the weights download is corrupt: sha256 {sha256}, expected {}",
                manifest.sha256
            ));
        }
        let (device, backend, notice) = pick_device(scope).await;
        let model = basis_models::load_weights(bytes, &device.clone().autodiff())
            .map_err(|error| error.to_string())?;
        outbox.send(&Event::Ready {
            backend,
            notice,
            weights: manifest.hash.clone(),
        });
        Ok(Engine {
            scope: scope.clone(),
            device: device.autodiff(),
            model,
            weights: manifest.hash,
        })
    }

    async fn serve(self, inbox: Inbox, outbox: Outbox) {
        let mut run: Option<Run> = None;
        let mut paused = false;
        let mut rate = StepRate::default();
        loop {
            while let Some(command) = inbox.try_next() {
                self.apply(command, &mut run, &mut paused, &outbox);
            }
            let Some(current) = run
                .as_mut()
                .filter(|run| !paused && (run.session.steps() as u32) < run.target)
            else {
                let command = inbox.next().await;
                self.apply(command, &mut run, &mut paused, &outbox);
                continue;
            };
            match step(current, &mut rate).await {
                Ok((event, rgba)) => {
                    outbox.send_frame(&event, &rgba);
                    if current.session.steps() as u32 == current.target {
                        outbox.send(&Event::Done {
                            step: current.target,
                        });
                    }
                }
                Err(message) => {
                    outbox.send(&Event::Failed { message });
                    run = None;
                }
            }
            yield_to_events(&self.scope).await;
        }
    }

    fn apply(&self, command: Command, run: &mut Option<Run>, paused: &mut bool, outbox: &Outbox) {
        match command {
            Command::Pause => *paused = true,
            Command::Resume => *paused = false,
            Command::Render { recipe, warm } => {
                if let Err(message) = self.render(&recipe, warm, run) {
                    outbox.send(&Event::Failed { message });
                }
            }
        }
    }

    fn render(&self, text: &str, warm: bool, run: &mut Option<Run>) -> Result<(), String> {
        let recipe = Recipe::decode(text).map_err(|error| error.to_string())?;
        if recipe.weights != self.weights {
            return Err(format!(
                "the recipe was made with weights {}, but these are {}",
                recipe.weights, self.weights
            ));
        }
        let objective = recipe.objective().map_err(|error| error.to_string())?;
        match run {
            // Same canvas, same transforms: keep the image, change what it is optimized for.
            Some(current)
                if warm
                    && current.recipe.image == recipe.image
                    && current.recipe.transforms == recipe.transforms =>
            {
                current
                    .session
                    .set_objective(objective)
                    .map_err(|error| error.to_string())?;
                current.target = current.session.steps() as u32 + recipe.steps;
                current.recipe = recipe;
            }
            _ => {
                let session = Session::new(
                    self.model.clone(),
                    &self.device,
                    recipe.image,
                    recipe.transforms,
                    objective,
                    recipe.seed,
                )
                .map_err(|error| error.to_string())?;
                *run = Some(Run {
                    session,
                    target: recipe.steps,
                    recipe,
                });
            }
        }
        Ok(())
    }
}

async fn step(run: &mut Run, rate: &mut StepRate) -> Result<(Event, Vec<u8>), String> {
    let objective = run
        .session
        .step()
        .await
        .map_err(|error| error.to_string())?;
    let frame = run
        .session
        .frame()
        .await
        .map_err(|error| error.to_string())?;
    let rgba: Vec<u8> = frame
        .rgb
        .chunks_exact(3)
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect();
    let event = Event::Frame {
        step: run.session.steps() as u32,
        target: run.target,
        objective,
        steps_per_second: rate.tick(),
        size: frame.width as u32,
    };
    Ok((event, rgba))
}

/// Steps per second over the last few steps.
#[derive(Default)]
struct StepRate {
    times: VecDeque<f64>,
}

impl StepRate {
    const WINDOW: usize = 10;

    fn tick(&mut self) -> f32 {
        let now = js_sys::Date::now();
        self.times.push_back(now);
        if self.times.len() > Self::WINDOW {
            self.times.pop_front();
        }
        match (self.times.front(), self.times.len()) {
            (Some(first), n) if n > 1 && now > *first => {
                ((n - 1) as f64 * 1000.0 / (now - first)) as f32
            }
            _ => 0.0,
        }
    }
}

/// WebGPU when the browser offers an adapter, else the CPU and a sentence saying why.
async fn pick_device(scope: &DedicatedWorkerGlobalScope) -> (Device, Backend, Option<String>) {
    let cpu = |why: String| {
        (
            Device::flex(),
            Backend::Cpu,
            Some(format!(
                "{why}, so Basis runs on the CPU, which is much slower."
            )),
        )
    };
    let gpu = Reflect::get(&scope.navigator(), &"gpu".into()).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return cpu("This browser offers no WebGPU (navigator.gpu is missing)".into());
    }
    let request: Result<Function, _> =
        Reflect::get(&gpu, &"requestAdapter".into()).and_then(|f| f.dyn_into());
    let adapter = match request.map(|request| request.call0(&gpu)) {
        Ok(Ok(promise)) => JsFuture::from(Promise::resolve(&promise))
            .await
            .unwrap_or(JsValue::NULL),
        _ => JsValue::NULL,
    };
    if adapter.is_null() || adapter.is_undefined() {
        return cpu("WebGPU is present but offers no GPU adapter".into());
    }
    match Device::wgpu_options()
        .graphics_api(burn::tensor::wgpu::WgpuBackend::WebGpu)
        .init_async()
        .await
    {
        Ok(device) => (device, Backend::WebGpu, None),
        Err(error) => cpu(format!("WebGPU could not start ({error})")),
    }
}

async fn fetch(scope: &DedicatedWorkerGlobalScope, url: &str) -> Result<Response, String> {
    let response: Response = JsFuture::from(scope.fetch_with_str(url))
        .await
        .map_err(|error| format!("cannot download {url}: {}", error_text(error)))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("cannot download {url}: HTTP {}", response.status()));
    }
    Ok(response)
}

async fn fetch_text(scope: &DedicatedWorkerGlobalScope, url: &str) -> Result<String, String> {
    let response = fetch(scope, url).await?;
    let text = response.text().map_err(error_text)?;
    JsFuture::from(text)
        .await
        .map_err(error_text)?
        .as_string()
        .ok_or_else(|| format!("{url} is not text"))
}

/// Reads the body chunk by chunk so the page can show bytes / total.
async fn fetch_with_progress(
    scope: &DedicatedWorkerGlobalScope,
    url: &str,
    total: u64,
    outbox: &Outbox,
) -> Result<Vec<u8>, String> {
    let response = fetch(scope, url).await?;
    let body = response
        .body()
        .ok_or_else(|| format!("{url} has no body"))?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::with_capacity(total as usize);
    outbox.send(&Event::Loading { loaded: 0, total });
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|error| format!("downloading {url}: {}", error_text(error)))?;
        if Reflect::get(&chunk, &"done".into())
            .map(|done| done.is_truthy())
            .unwrap_or(true)
        {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .map_err(error_text)?
            .unchecked_into();
        bytes.extend_from_slice(&value.to_vec());
        outbox.send(&Event::Loading {
            loaded: bytes.len() as u64,
            total,
        });
    }
    Ok(bytes)
}
