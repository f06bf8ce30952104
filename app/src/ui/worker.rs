//! Starting the engine's module worker and listening to it: its messages, its errors, and messages
//! that could not be read. Each worker has a generation number, so anything a replaced worker
//! still says is ignored.

use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use crate::engine::CPU_ONLY_NAME;
use crate::protocol::Event;

/// A module worker that imports this app's own wasm (`app/worker.js`).
const WORKER_SCRIPT: &str = "./worker.js";

/// What a worker said: an event and the array that travelled beside it.
pub enum Heard {
    Event(Event, Option<JsValue>),
    /// The worker died or spoke nonsense: it cannot be trusted any more.
    Death(String),
}

pub fn spawn(
    cpu_only: bool,
    generation: u64,
    listener: Rc<dyn Fn(u64, Heard)>,
) -> Result<Worker, JsValue> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    if cpu_only {
        options.set_name(CPU_ONLY_NAME);
    }
    let worker = Worker::new_with_options(WORKER_SCRIPT, &options)?;

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
        heard(generation, Heard::Death(message));
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();

    let on_message_error = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        listener(
            generation,
            Heard::Death("a message from the engine could not be read".into()),
        );
    });
    worker.set_onmessageerror(Some(on_message_error.as_ref().unchecked_ref()));
    on_message_error.forget();
    Ok(worker)
}

fn read(data: JsValue) -> Heard {
    let (json, attachment) = match data.dyn_ref::<Array>() {
        Some(parts) => (parts.get(0), Some(parts.get(1))),
        None => (data, None),
    };
    match json
        .as_string()
        .map(|text| serde_json::from_str::<Event>(&text))
    {
        Some(Ok(event)) => Heard::Event(event, attachment),
        Some(Err(error)) => Heard::Death(format!("the engine said something unreadable ({error})")),
        None => Heard::Death("the engine sent a message that is not text".into()),
    }
}
