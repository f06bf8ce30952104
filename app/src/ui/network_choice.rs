//! Which network the single view reads. Each network has its own weights, so choosing another
//! opens the same settings on it as a new link (a new page whose engine downloads only that
//! network's weights); the layer stays where the network has it, the channel where it is wide
//! enough.

use basis_models::Network;
use basis_recipe::Link;
use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::explain::{self, Explain};
use super::state::State;
use super::{ControllerRef, hidden};
use crate::protocol::manifest_url;

/// The part of a network's manifest the page needs: its weights' id, which links name.
#[derive(Deserialize)]
struct Manifest {
    hash: String,
}

/// The weights id of `network`, from its manifest, or why it could not be read.
async fn weights_of(network: Network) -> Result<String, String> {
    let url = manifest_url(network);
    let failed = |why: String| format!("{url} could not be read ({why})");
    let response = JsFuture::from(window().fetch_with_str(&url))
        .await
        .map_err(|e| failed(format!("{e:?}")))?
        .unchecked_into::<web_sys::Response>();
    if !response.ok() {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    let text = JsFuture::from(response.text().map_err(|e| failed(format!("{e:?}")))?)
        .await
        .map_err(|e| failed(format!("{e:?}")))?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str::<Manifest>(&text)
        .map(|m| m.hash)
        .map_err(|e| failed(e.to_string()))
}

/// Opens the current settings on `network`.
async fn switch(state: State, ctl: ControllerRef, network: Network) {
    match weights_of(network).await {
        Ok(weights) => {
            let recipe = state.recipe.get_untracked().on_network(network, weights);
            let fragment =
                ctl.with_value(|c| Link::fragment(&recipe, &c.link.hide, c.link.present));
            // The hash change reloads the page (ui::App), which starts the new network's engine.
            let _ = window().location().set_hash(&fragment);
        }
        Err(why) => state.message.set(Some(format!(
            "{} is not available here: {why}.",
            network.label()
        ))),
    }
}

/// "EfficientNet-Lite1 · 21 blocks · 240 px".
fn option_text(network: Network) -> String {
    format!(
        "{} · {} blocks · {} px",
        network.label(),
        network.block_count(),
        network.input_size()
    )
}

#[component]
pub fn NetworkChoice() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    view! {
        <div class="control" data-control="model" hidden=hidden("model")>
            <label for="model">"Network"</label>
            <select
                id="model"
                on:change=move |ev| {
                    if let Ok(network) = Network::from_id(&event_target_value(&ev)) {
                        wasm_bindgen_futures::spawn_local(switch(state, ctl, network));
                    }
                }
            >
                {Network::ALL
                    .map(|network| {
                        view! {
                            <option value=network.id() selected=network == state.network>
                                {option_text(network)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <Explain explanation=explain::NETWORK />
        </div>
    }
}
