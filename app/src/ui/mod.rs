//! The page: small components around one shared `State`, provided through context, and one
//! `Controller` that talks to the engine worker. An effect keeps the address bar and the engine
//! in step with the recipe, as Leptos's TodoMVC keeps its storage in step with its list.

mod address;
mod arm_fidelity;
mod arm_verdict;
mod attempt;
mod batch;
mod canvas;
mod chart;
mod choices;
mod class_result;
mod class_test;
mod confounds;
mod contrast;
mod controller;
mod controls;
mod engine_status;
mod examples;
mod explain;
mod fetched;
mod fidelity;
mod focus;
mod freeze;
mod hand_in;
mod help;
mod job_queue;
mod keys;
mod layers;
mod loaded;
mod make_quiz;
mod meter;
mod motion;
mod network_choice;
mod notices;
mod page_header;
mod photo_files;
mod pool_panel;
mod predict;
mod preference;
mod prepare_bar;
mod probe;
mod quiz;
mod quiz_jobs;
mod rounds;
mod share;
mod sheet;
mod stage;
mod start;
mod state;
mod supervisor;
mod tally;
mod tally_fidelity;
mod tiles;
mod toward;
mod weights_id;
mod worker;

use std::rc::Rc;

use basis_recipe::{Link, Page, Recipe};
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::protocol::Fault;
use controller::Controller;
use state::State;

/// Used until the worker reports the real hash; never sent.
const UNKNOWN_WEIGHTS: &str = "0000000000000000";

/// The event a test dispatches on `window` to make the engine fail on purpose
/// (`detail`: "lose_device" or "crash").
const SIMULATE_EVENT: &str = "basis-simulate";

/// A Copy handle to the controller, for event handlers.
pub type ControllerRef = StoredValue<Rc<Controller>, LocalStorage>;

/// Whether the link hides this control.
pub fn hidden(name: &'static str) -> bool {
    expect_context::<ControllerRef>().with_value(|c| c.link.hide.contains(&name))
}

/// The message shown for a link that could not be used as is.
fn link_problem(link: &Link) -> Option<String> {
    let mut problems = Vec::new();
    if let Some(Err(error)) = &link.recipe {
        problems.push(format!(
            "This link's recipe could not be read: {error}. Showing the defaults instead."
        ));
    }
    if !link.ignored.is_empty() {
        problems.push(format!(
            "Ignored parts of the link that Basis does not know: {}.",
            link.ignored.join(", ")
        ));
    }
    (!problems.is_empty()).then(|| problems.join(" "))
}

fn install_fault_hook(ctl: ControllerRef) {
    let _ = window_event_listener_untyped(SIMULATE_EVENT, move |event| {
        let detail = event
            .dyn_ref::<web_sys::CustomEvent>()
            .and_then(|event| event.detail().as_string());
        let fault = match detail.as_deref() {
            Some("lose_device") => Fault::LoseDevice,
            Some("crash") => Fault::Crash,
            _ => return,
        };
        ctl.with_value(|c| c.simulate(fault));
    });
}

/// The page the link asks for. Moving between pages reloads (see the hashchange handler), so
/// each page starts its own engine from a clean slate.
#[component]
pub fn App() -> impl IntoView {
    let link = Link::parse(&window().location().hash().unwrap_or_default());
    let _ = window_event_listener(leptos::ev::hashchange, move |_| {
        let _ = window().location().reload();
    });
    match link.page.clone() {
        Page::Single => view! { <SinglePage link=link /> }.into_any(),
        Page::Sheet(sheet) => view! { <sheet::SheetPage sheet=sheet /> }.into_any(),
        Page::Contrast(contrast) => {
            view! { <contrast::ContrastPage contrast=contrast /> }.into_any()
        }
        Page::Quiz(quiz) => view! { <quiz::QuizPage quiz=quiz /> }.into_any(),
        Page::Predict(test) => view! { <predict::PredictPage test=test /> }.into_any(),
        Page::Tally(test) => view! { <tally::TallyPage test=test /> }.into_any(),
        Page::MakeQuiz => view! { <make_quiz::MakeQuizPage /> }.into_any(),
    }
}

#[component]
fn SinglePage(link: Link) -> impl IntoView {
    let initial = match &link.recipe {
        Some(Ok(recipe)) => recipe.clone(),
        _ => Recipe::new(UNKNOWN_WEIGHTS),
    };
    let state = State::new(initial, link_problem(&link));
    state.reduced_motion.set(motion::reduced());
    let present = link.present;
    let controller = Controller::new(state, link, NodeRef::<Canvas>::new());
    let rerender = controller.rerender;
    let ctl: ControllerRef = StoredValue::new_local(controller);
    provide_context(state);
    provide_context(ctl);

    Effect::new(move |_| {
        rerender.track();
        let recipe = state.recipe.get();
        ctl.with_value(|c| c.sync(&recipe));
    });
    keys::install(ctl);
    install_fault_hook(ctl);
    ctl.with_value(|c| c.start_engine());
    let compare = move || tiles::sheet_link(&state.recipe.get(), state.engine.backend());
    let contrast = move || tiles::contrast_link(&state.recipe.get(), state.engine.backend());

    view! {
        <main class:present=present>
            <header>
                <h1>"Basis"</h1>
                <p class="tagline">
                    "What does a neuron of an image network respond to — and is a neuron more meaningful than a random direction?"
                </p>
            </header>
            <notices::Message />
            <notices::InsecureNotice />
            <engine_status::EngineStatusBar
                view=state.engine
                kept="Your settings and the last image are kept."
                restart=Callback::new(move |_| ctl.with_value(|c| c.start_engine()))
                hide_device=hidden("status")
            />
            <div class="workspace">
                <stage::Stage />
                <div class="panel">
                    <controls::DirectionControls />
                    <controls::ImageControls />
                    <share::Share />
                    <freeze::Before />
                    <fidelity::FidelityPanel />
                    <fieldset class="controls classroom-links" hidden=move || !state.ready()>
                        <legend>"Neurons vs random directions"</legend>
                        <p>
                            <a id="compare-link" href=compare>
                                "Compare them side by side (a sheet, labelled or blind)"
                            </a>
                        </p>
                        <p hidden=move || contrast().is_none()>
                            <a id="contrast-link" href=move || contrast().unwrap_or_default()>
                                "Inside a block and at its output: the same comparison at a ReLU6 layer and at the linear layer after it"
                            </a>
                        </p>
                        <p>
                            <a id="make-quiz-link" href="#make-quiz">
                                "Make a quiz for a class: “spot the neuron” or “predict the response”"
                            </a>
                        </p>
                    </fieldset>
                </div>
            </div>
            <examples::Examples />
            <probe::Probe />
            <help::Help />
        </main>
    }
}
