//! Starting the engine's module worker and listening to it: its messages, its errors, and messages
//! that could not be read. Each worker has a generation number, so anything a replaced worker
//! still says is ignored.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use basis_models::Network;

use crate::protocol::{Command, EngineName, Event};

/// A module worker that imports this app's own wasm (`app/worker.js`).
const WORKER_SCRIPT: &str = "./worker.js";

/// What a worker said: an event and the array that travelled beside it.
pub enum FromWorker {
    Event(Event, Option<JsValue>),
    /// The worker died or spoke nonsense: it cannot be trusted any more.
    Death(String),
}

/// Said when the browser cannot start the engine at all.
pub const NO_WORKER: &str = "this browser cannot start a Web Worker, which Basis needs";

/// Where the page keeps the network it last started an engine for, so that `early-engine.js`
/// starts the next visit's engine for it before the app knows the link.
const LAST_NETWORK_KEY: &str = "basis-network";

/// One engine worker at a time for one network (the single view's and the batch pages' alike):
/// starting or replacing it, telling its messages from those of a worker it replaced, posting
/// commands, and ending it.
pub struct EngineWorker {
    network: Network,
    worker: RefCell<Option<Worker>>,
    generation: Cell<u64>,
    cpu_only: Cell<bool>,
}

impl EngineWorker {
    pub fn new(network: Network) -> Self {
        Self {
            network,
            worker: RefCell::default(),
            generation: Cell::default(),
            cpu_only: Cell::default(),
        }
    }

    /// Ends any running worker and starts a new one, whose messages reach `listener` tagged
    /// with its generation.
    pub fn start(&self, listener: Rc<dyn Fn(u64, FromWorker)>) -> Result<(), JsValue> {
        self.stop();
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        let name = EngineName {
            network: self.network,
            cpu_only: self.cpu_only.get(),
        };
        *self.worker.borrow_mut() = Some(spawn(name, generation, listener)?);
        remember(self.network);
        Ok(())
    }

    /// Whether a message of this generation comes from the running worker.
    pub fn is_current(&self, generation: u64) -> bool {
        generation == self.generation.get()
    }

    /// Ends the worker. `false` when none was running: a dying worker may report itself twice
    /// (its own message, then the error event).
    pub fn stop(&self) -> bool {
        match self.worker.borrow_mut().take() {
            Some(worker) => {
                worker.terminate();
                true
            }
            None => false,
        }
    }

    /// Workers started from now on run on the CPU (after the GPU failed).
    pub fn use_cpu_only(&self) {
        self.cpu_only.set(true);
    }

    /// `command`, with a typed array transferred (not copied) beside it when given.
    pub fn post(&self, command: &Command, attachment: Option<(&JsValue, &JsValue)>) {
        let json = JsValue::from_str(&serde_json::to_string(command).expect("commands serialize"));
        let Some(worker) = self.worker.borrow().clone() else {
            return;
        };
        let _ = match attachment {
            Some((array, buffer)) => {
                worker.post_message_with_transfer(&Array::of2(&json, array), &Array::of1(buffer))
            }
            None => worker.post_message(&json),
        };
    }
}

/// A page part that goes away takes its engines with it (the tally page's remade pictures, when
/// the teacher counts again): a browser worker runs on until terminated, whoever holds it.
impl Drop for EngineWorker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Best effort: without storage the next visit's early engine may start another network's, and
/// the page replaces it.
fn remember(network: Network) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(LAST_NETWORK_KEY, network.id());
    }
}

fn spawn(
    name: EngineName,
    generation: u64,
    listener: Rc<dyn Fn(u64, FromWorker)>,
) -> Result<Worker, JsValue> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    options.set_name(&name.name());
    let (worker, heard_early) = match early_worker() {
        Some((worker, early_name, heard)) if early_name == name => (worker, heard),
        other => {
            if let Some((stray, _, _)) = other {
                stray.terminate();
            }
            let worker = Worker::new_with_options(WORKER_SCRIPT, &options)?;
            (worker, Array::new())
        }
    };

    let heard = listener.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        heard(generation, read(event.data()));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let heard = listener.clone();
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
        event.prevent_default();
        let message = event.message();
        let message = if message.is_empty() {
            "the engine's worker failed to run".to_owned()
        } else {
            message
        };
        heard(generation, FromWorker::Death(message));
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();

    let heard = listener.clone();
    let on_message_error = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        heard(
            generation,
            FromWorker::Death("a message from the engine could not be read".into()),
        );
    });
    worker.set_onmessageerror(Some(on_message_error.as_ref().unchecked_ref()));
    on_message_error.forget();
    if heard_early.length() > 0 {
        // After `start` has kept the worker: what it said may be answered at once.
        wasm_bindgen_futures::spawn_local(async move {
            for event in heard_early.iter() {
                listener(generation, replayed(event));
            }
        });
    }
    Ok(worker)
}

/// The worker `early-engine.js` started before the app ran, its name, and what it said
/// meanwhile; from now on it starts none.
fn early_worker() -> Option<(Worker, EngineName, Array)> {
    let window: JsValue = web_sys::window()?.into();
    let name = JsValue::from_str("basisEarlyWorker");
    let early = Reflect::get(&window, &name).ok();
    let _ = Reflect::set(&window, &name, &JsValue::NULL);
    let early = early.filter(JsValue::is_object)?;
    let field = |key: &str| Reflect::get(&early, &key.into()).ok();
    let stop: Function = field("stopListening")?.dyn_into().ok()?;
    let _ = stop.call0(&early);
    Some((
        field("worker")?.dyn_into().ok()?,
        EngineName::parse(&field("name")?.as_string()?),
        field("heard")?.dyn_into().ok()?,
    ))
}

/// An event the early worker's listener kept, as the page's listeners would have heard it.
fn replayed(event: JsValue) -> FromWorker {
    let kind = Reflect::get(&event, &"type".into())
        .ok()
        .and_then(|t| t.as_string());
    match kind.as_deref() {
        Some("message") => read(Reflect::get(&event, &"data".into()).unwrap_or_default()),
        Some("messageerror") => {
            FromWorker::Death("a message from the engine could not be read".into())
        }
        _ => FromWorker::Death("the engine's worker failed to run".into()),
    }
}

fn read(data: JsValue) -> FromWorker {
    let (json, attachment) = match data.dyn_ref::<Array>() {
        Some(parts) => (parts.get(0), Some(parts.get(1))),
        None => (data, None),
    };
    match json
        .as_string()
        .map(|text| serde_json::from_str::<Event>(&text))
    {
        Some(Ok(event)) => FromWorker::Event(event, attachment),
        Some(Err(error)) => {
            FromWorker::Death(format!("the engine said something unreadable ({error})"))
        }
        None => FromWorker::Death("the engine sent a message that is not text".into()),
    }
}
