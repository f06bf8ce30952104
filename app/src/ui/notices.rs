//! What the page tells the user about itself: problems, the download, which device computes,
//! a GPU that gave up, an engine that stopped, and a page that is not a secure context.

use leptos::prelude::*;

use super::hidden;
use super::state::{EngineStatus, State};

#[component]
pub fn Message() -> impl IntoView {
    let state = expect_context::<State>();
    view! {
        <p class="message" role="alert" hidden=move || state.message.with(Option::is_none)>
            {move || state.message.get().unwrap_or_default()}
        </p>
    }
}

/// Shown when the page came over plain http from another machine.
#[component]
pub fn InsecureNotice() -> impl IntoView {
    let insecure = !window().is_secure_context();
    view! {
        <p id="insecure" class="message" hidden=!insecure>
            "This page was opened over plain http from another computer, so the browser turns off "
            "WebGPU and copying to the clipboard: both need a secure page. Basis still works, on "
            "the CPU. To fix it, serve the page over https, or open it as http://localhost on the "
            "computer that serves it."
        </p>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let state = expect_context::<State>();
    let loading = move || match state.engine.get() {
        EngineStatus::Starting { loaded, total } => Some((loaded, total)),
        _ => None,
    };
    view! {
        <section class="loading" hidden=move || loading().is_none()>
            <label for="weights-progress">
                "Starting the engine: downloading the network's weights"
            </label>
            <progress
                id="weights-progress"
                max=move || loading().map_or(1, |(_, t)| t.max(1))
                value=move || loading().map_or(0, |(l, _)| l)
            ></progress>
            <span id="weights-bytes">
                {move || {
                    let (l, t) = loading().unwrap_or_default();
                    format!("{:.1} / {:.1} MB", l as f64 / 1e6, t as f64 / 1e6)
                }}
            </span>
        </section>
    }
}

#[component]
pub fn Backend() -> impl IntoView {
    let state = expect_context::<State>();
    let status = state.engine;
    let backend = move || match status.get() {
        EngineStatus::Ready { backend, .. } => backend.label(),
        EngineStatus::Starting { .. } => "starting…",
        EngineStatus::Stopped { .. } => "stopped",
    };
    let notice = move || match status.get() {
        EngineStatus::Ready { notice, .. } => notice,
        _ => None,
    };
    view! {
        <section class="backend" data-control="status" hidden=hidden("status")>
            "Computing on: "
            <strong id="backend">{backend}</strong>
            <span id="backend-notice" class="notice" hidden=move || notice().is_none()>
                {move || notice().unwrap_or_default()}
            </span>
            <span id="fallback" class="notice" hidden=move || state.fallback.with(Option::is_none)>
                {move || state.fallback.get().unwrap_or_default()}
            </span>
        </section>
    }
}

/// The engine died and did not come back: say why and what is `kept`, and offer a restart.
/// Every page shows this one.
#[component]
pub fn EngineStopped(
    #[prop(into)] status: Signal<EngineStatus>,
    kept: &'static str,
    restart: Callback<()>,
) -> impl IntoView {
    let stopped = move || match status.get() {
        EngineStatus::Stopped { message } => Some(message),
        _ => None,
    };
    view! {
        <section
            id="engine-stopped"
            class="message"
            role="alert"
            hidden=move || stopped().is_none()
        >
            <p>
                "The engine stopped: "
                <span id="engine-error">{move || stopped().unwrap_or_default()}</span> ". " {kept}
            </p>
            <button id="restart-engine" on:click=move |_| restart.run(())>
                "Restart the engine"
            </button>
        </section>
    }
}
