//! The engine's state on the sheet and quiz pages: the download, the device, a GPU that gave up,
//! an engine that stopped (with a restart), and a job that failed.

use std::rc::Rc;

use leptos::prelude::*;

use super::batch::{BatchEngine, EngineView};
use super::notices::EngineStopped;
use super::state::EngineStatus;

#[component]
pub fn EngineBar(
    view: EngineView,
    engine: StoredValue<Rc<BatchEngine>, LocalStorage>,
) -> impl IntoView {
    let loading = move || match view.status.get() {
        EngineStatus::Starting { loaded, total } => Some((loaded, total)),
        _ => None,
    };
    let notice = move || match view.status.get() {
        EngineStatus::Ready { notice, .. } => notice,
        _ => None,
    };
    view! {
        <section class="backend">
            <span hidden=move || loading().is_none()>
                <label for="weights-progress">
                    "Starting the engine: downloading the network's weights "
                </label>
                <progress
                    id="weights-progress"
                    max=move || loading().map_or(1, |(_, t)| t.max(1))
                    value=move || loading().map_or(0, |(l, _)| l)
                ></progress>
            </span>
            <span hidden=move || {
                view.backend().is_none()
            }>
                "Computing on: "
                <strong id="backend">
                    {move || view.backend().map(|b| b.label()).unwrap_or_default()}
                </strong> <span id="engines" hidden=move || view.engines.get() < 2>
                    {move || {
                        format!(", {} engines side by side (one per core)", view.engines.get())
                    }}
                </span>
            </span>
            <span id="backend-notice" class="notice" hidden=move || notice().is_none()>
                {move || notice().unwrap_or_default()}
            </span>
            <span id="fallback" class="notice" hidden=move || view.fallback.with(Option::is_none)>
                {move || view.fallback.get().unwrap_or_default()}
            </span>
        </section>
        <p
            class="message"
            role="alert"
            id="job-error"
            hidden=move || view.error.with(Option::is_none)
        >
            {move || view.error.get().unwrap_or_default()}
        </p>
        <EngineStopped
            status=view.status
            kept="Nothing else is lost."
            restart=Callback::new(move |_| engine.with_value(|e| e.restart()))
        />
    }
}
