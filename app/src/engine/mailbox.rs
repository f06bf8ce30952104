//! The worker's two message channels: commands arrive through `onmessage` while the engine is
//! busy and wait in the inbox; events leave through the outbox, with any large array beside them
//! transferred rather than copied.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, Float32Array, Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, MessagePort};

use crate::protocol::{Command, Event};

/// A command and the array that travelled beside it, if any: floats (image parameters) or bytes
/// (a photo file).
pub struct Mail {
    pub command: Command,
    pub attachment: Option<Vec<f32>>,
    pub bytes: Option<Vec<u8>>,
}

#[derive(Clone)]
pub struct Inbox {
    queue: Rc<RefCell<VecDeque<Mail>>>,
    waiting: Rc<RefCell<Option<Function>>>,
    gap: Gap,
}

impl Inbox {
    pub fn install(scope: &DedicatedWorkerGlobalScope, outbox: Outbox) -> Self {
        let inbox = Inbox {
            queue: Rc::default(),
            waiting: Rc::default(),
            gap: Gap::open(),
        };
        let receiver = inbox.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let (json, attachment, bytes) = match data.dyn_ref::<Array>() {
                Some(parts) => (
                    parts.get(0),
                    parts
                        .get(1)
                        .dyn_into::<Float32Array>()
                        .ok()
                        .map(|array| array.to_vec()),
                    parts
                        .get(1)
                        .dyn_into::<Uint8Array>()
                        .ok()
                        .map(|array| array.to_vec()),
                ),
                None => (data, None, None),
            };
            let parsed = json
                .as_string()
                .ok_or_else(|| "not a string".to_owned())
                .and_then(|text| {
                    serde_json::from_str::<Command>(&text).map_err(|error| error.to_string())
                });
            match parsed {
                Ok(command) => {
                    receiver.queue.borrow_mut().push_back(Mail {
                        command,
                        attachment,
                        bytes,
                    });
                    if let Some(wake) = receiver.waiting.borrow_mut().take() {
                        let _ = wake.call0(&JsValue::NULL);
                    }
                }
                // The page is the only sender, so this is a bug; say so rather than go quiet.
                Err(error) => outbox.send(&Event::Failed {
                    run: None,
                    message: format!("the engine received a message it cannot read ({error})"),
                }),
            }
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        inbox
    }

    pub fn try_next(&self) -> Option<Mail> {
        self.queue.borrow_mut().pop_front()
    }

    /// Lets queued messages in between two steps (CPU steps never wait on the event loop otherwise).
    pub async fn let_messages_in(&self) {
        self.gap.pass().await
    }

    /// Waits until a command arrives.
    pub async fn wait(&self) {
        while self.queue.borrow().is_empty() {
            let waiting = self.waiting.clone();
            let _ = JsFuture::from(Promise::new(&mut |resolve, _| {
                *waiting.borrow_mut() = Some(resolve)
            }))
            .await;
        }
    }
}

#[derive(Clone)]
pub struct Outbox(pub DedicatedWorkerGlobalScope);

impl Outbox {
    fn json(event: &Event) -> JsValue {
        JsValue::from_str(&serde_json::to_string(event).expect("events serialize"))
    }

    pub fn send(&self, event: &Event) {
        // Posting only fails for uncloneable values; a string always clones.
        let _ = self.0.post_message(&Self::json(event));
    }

    /// `event` with a transferred array beside it.
    pub fn send_with(&self, event: &Event, attachment: &JsValue, buffer: &JsValue) {
        let _ = self.0.post_message_with_transfer(
            &Array::of2(&Self::json(event), attachment),
            &Array::of1(buffer),
        );
    }
}

/// One turn of the worker's event loop, as a message the worker sends itself. A zero-delay
/// `setTimeout` would do the same, but browsers hold nested timers to at least 4 ms (HTML's timer
/// nesting rule): measured in Chromium's worker, 4.2 ms per turn against 0.02 ms through a
/// channel; 64 px CPU steps went from 41 to 50 a second.
#[derive(Clone)]
struct Gap {
    sender: MessagePort,
    passing: Rc<RefCell<Option<Function>>>,
    /// The receiving port, kept alive with its handler.
    _receiver: MessagePort,
}

impl Gap {
    fn open() -> Self {
        let channel = MessageChannel::new().expect("a worker can open a MessageChannel");
        let passing: Rc<RefCell<Option<Function>>> = Rc::default();
        let waiting = passing.clone();
        let on_message = Closure::<dyn FnMut()>::new(move || {
            if let Some(resolve) = waiting.borrow_mut().take() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        });
        let receiver = channel.port1();
        receiver.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        Gap {
            sender: channel.port2(),
            passing,
            _receiver: receiver,
        }
    }

    async fn pass(&self) {
        let promise = Promise::new(&mut |resolve, _| {
            // Posting null cannot fail; were it to, going on at once beats waiting forever.
            match self.sender.post_message(&JsValue::NULL) {
                Ok(()) => *self.passing.borrow_mut() = Some(resolve),
                Err(_) => {
                    let _ = resolve.call0(&JsValue::NULL);
                }
            }
        });
        let _ = JsFuture::from(promise).await;
    }
}
