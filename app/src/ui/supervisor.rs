//! One engine worker watched over, for every page: its status as the page shows it, and recovery
//! when it fails — a GPU that fails hands over to a new engine on the CPU, an engine that dies on
//! the CPU stops until the user restarts it. What the engine computes is the owner's to handle
//! (the single view's `Controller`, the batch pages' `BatchEngine`).

use std::cell::Cell;
use std::rc::Rc;

use basis_models::Network;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::worker::{EngineWorker, FromWorker, NO_WORKER};
use crate::protocol::{Backend, Command, Event};

#[derive(Debug, Clone, PartialEq)]
pub enum EngineStatus {
    /// Downloading the weights: bytes loaded and total.
    Starting { loaded: u64, total: u64 },
    Ready {
        backend: Backend,
        notice: Option<String>,
    },
    /// The engine died and did not come back by itself; the user may restart it.
    Stopped { message: String },
}

impl EngineStatus {
    const STARTING: Self = Self::Starting {
        loaded: 0,
        total: 0,
    };

    pub fn ready(&self) -> bool {
        matches!(self, Self::Ready { .. })
    }

    pub fn on_gpu(&self) -> bool {
        self.backend() == Some(Backend::WebGpu)
    }

    pub fn backend(&self) -> Option<Backend> {
        match self {
            Self::Ready { backend, .. } => Some(*backend),
            _ => None,
        }
    }
}

/// What the page shows about the engine.
#[derive(Clone, Copy)]
pub struct EngineView {
    pub status: RwSignal<EngineStatus>,
    /// The weights the engine loaded, once it has said.
    pub weights: RwSignal<Option<String>>,
    /// Why the engine moved to the CPU during this visit, if it did.
    pub fallback: RwSignal<Option<String>>,
    /// Engines computing side by side (more than one only on the CPU, for batch work).
    pub engines: RwSignal<usize>,
}

impl Default for EngineView {
    fn default() -> Self {
        Self {
            status: RwSignal::new(EngineStatus::STARTING),
            weights: RwSignal::new(None),
            fallback: RwSignal::new(None),
            engines: RwSignal::new(1),
        }
    }
}

impl EngineView {
    pub fn ready(&self) -> bool {
        self.status.with(EngineStatus::ready)
    }

    pub fn ready_untracked(&self) -> bool {
        self.status.with_untracked(EngineStatus::ready)
    }

    pub fn backend(&self) -> Option<Backend> {
        self.status.with(EngineStatus::backend)
    }

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
}

/// What a message from the worker means for the supervisor's owner.
pub enum Told {
    /// An event about the work.
    Event(Event, Option<JsValue>),
    /// The engine is ready; `again` when an engine was ready before on this page (this one
    /// replaces it).
    Ready { again: bool },
    /// The GPU failed: a new engine is starting on the CPU.
    MovedToCpu,
    /// The engine died on the CPU and waits for the user's restart.
    Stopped,
    /// Nothing for the owner: download progress, a replaced worker, a death reported twice.
    Nothing,
}

pub struct Supervisor {
    pub view: EngineView,
    worker: EngineWorker,
    listener: Rc<dyn Fn(u64, FromWorker)>,
    /// What goes on after a move to the CPU, said in the fallback notice.
    after_fallback: &'static str,
    was_ready: Cell<bool>,
}

impl Supervisor {
    /// A supervisor whose worker's messages reach `listener`, which hands them to `hear`.
    pub fn new(
        view: EngineView,
        network: Network,
        after_fallback: &'static str,
        listener: Rc<dyn Fn(u64, FromWorker)>,
    ) -> Self {
        Self {
            view,
            worker: EngineWorker::new(network),
            listener,
            after_fallback,
            was_ready: Cell::new(false),
        }
    }

    /// Starts (or restarts) the engine; a worker that cannot even start is reported.
    pub fn start(&self) {
        self.view.status.set(EngineStatus::STARTING);
        if self.worker.start(self.listener.clone()).is_err() {
            self.view.status.set(EngineStatus::Stopped {
                message: NO_WORKER.into(),
            });
        }
    }

    /// `command`, with a typed array transferred (not copied) beside it when given.
    pub fn post(&self, command: &Command, attachment: Option<(&JsValue, &JsValue)>) {
        self.worker.post(command, attachment);
    }

    pub fn hear(&self, generation: u64, heard: FromWorker) -> Told {
        if !self.worker.is_current(generation) {
            return Told::Nothing;
        }
        let (event, attachment) = match heard {
            FromWorker::Death(message) => return self.on_death(message),
            FromWorker::Event(event, attachment) => (event, attachment),
        };
        match event {
            Event::Loading { loaded, total } => {
                self.view
                    .status
                    .set(EngineStatus::Starting { loaded, total });
                Told::Nothing
            }
            Event::Ready {
                backend,
                notice,
                weights,
            } => {
                super::loaded::announce_loaded();
                self.view.weights.set(Some(weights));
                self.view
                    .status
                    .set(EngineStatus::Ready { backend, notice });
                Told::Ready {
                    again: self.was_ready.replace(true),
                }
            }
            Event::DeviceLost { message } => self.move_to_cpu(&message),
            Event::Crashed { message } => self.on_death(message),
            event => Told::Event(event, attachment),
        }
    }

    fn on_death(&self, message: String) -> Told {
        if !self.worker.stop() {
            return Told::Nothing;
        }
        if self.view.status.with_untracked(EngineStatus::on_gpu) {
            self.move_to_cpu(&message)
        } else {
            self.view.status.set(EngineStatus::Stopped { message });
            Told::Stopped
        }
    }

    fn move_to_cpu(&self, why: &str) -> Told {
        self.view.fallback.set(Some(format!(
            "The GPU stopped working ({why}). Basis goes on on the CPU{}.",
            self.after_fallback
        )));
        self.worker.use_cpu_only();
        self.start();
        Told::MovedToCpu
    }
}
