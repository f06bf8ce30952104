//! What every page says about its engine: an engine that stopped (with a restart), the weights'
//! download, which device computes and how many engines, a GPU that gave up, and — on the batch
//! pages — a job that failed.

use leptos::prelude::*;

use super::supervisor::{EngineStatus, EngineView};

#[component]
pub fn EngineStatusBar(
    view: EngineView,
    /// What the user keeps when the engine stops, said beside the restart button.
    kept: &'static str,
    restart: Callback<()>,
    /// The link hides the device line (classroom mode).
    #[prop(optional)]
    hide_device: bool,
    #[prop(optional)] job_error: Option<RwSignal<Option<String>>>,
) -> impl IntoView {
    view! {
        <EngineStopped status=view.status kept=kept restart=restart />
        <Download status=view.status />
        <Device view=view hidden=hide_device />
        {job_error.map(|error| view! { <JobError error=error /> })}
    }
}

/// The engine died and did not come back: say why and what is `kept`, and offer a restart.
#[component]
fn EngineStopped(
    status: RwSignal<EngineStatus>,
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

#[component]
fn Download(status: RwSignal<EngineStatus>) -> impl IntoView {
    let loading = move || match status.get() {
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
fn Device(view: EngineView, hidden: bool) -> impl IntoView {
    let device = move || match view.status.get() {
        EngineStatus::Ready { backend, .. } => backend.label(),
        EngineStatus::Starting { .. } => "starting…",
        EngineStatus::Stopped { .. } => "stopped",
    };
    let notice = move || match view.status.get() {
        EngineStatus::Ready { notice, .. } => notice,
        _ => None,
    };
    view! {
        <section class="backend" data-control="status" hidden=hidden>
            "Computing on: "
            <strong id="backend">{device}</strong>
            <span id="engines" hidden=move || view.engines.get() < 2>
                {move || format!(", {} engines side by side (one per core)", view.engines.get())}
            </span>
            <span id="backend-notice" class="notice" hidden=move || notice().is_none()>
                {move || notice().unwrap_or_default()}
            </span>
            <span id="fallback" class="notice" hidden=move || view.fallback.with(Option::is_none)>
                {move || view.fallback.get().unwrap_or_default()}
            </span>
        </section>
    }
}

#[component]
fn JobError(error: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <p class="message" role="alert" id="job-error" hidden=move || error.with(Option::is_none)>
            {move || error.get().unwrap_or_default()}
        </p>
    }
}
