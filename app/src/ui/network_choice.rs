//! Which network the single view reads. Each network has its own weights, so choosing another
//! opens the same settings on it as a new link (a new page whose engine downloads only that
//! network's weights); the layer stays where the network has it, the channel where it is wide
//! enough.

use basis_models::Network;
use basis_recipe::Link;
use leptos::prelude::*;

use super::explain::{self, Explain};
use super::state::State;
use super::weights_id::weights_of;
use super::{ControllerRef, hidden};

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
