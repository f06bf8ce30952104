//! The controls beside the stage: what direction to visualize, and how the image is made.

use basis_models::TapId;
use basis_recipe::{Preset, Recipe};
use leptos::prelude::*;

use super::controller::Controller;
use super::explain::{self, Explain, parametrization_text, transforms_text};
use super::layers::LayerOptions;
use super::state::State;
use super::{ControllerRef, hidden};

/// Sizes the picker offers; a link may carry any other valid size, which is then offered too
/// (`ui/choices`).
const IMAGE_SIZES: [usize; 3] = [64, 128, 224];

/// The width of the recipe's layer (1 for a layer its network lacks).
fn channels_of(recipe: &Recipe) -> usize {
    recipe.tap().map_or(1, TapId::channels)
}

/// Moves the view to `layer`, keeping the channel where the layer has it.
pub fn set_layer(controller: &Controller, layer: String) {
    controller.change(|r| {
        r.layer = layer;
        r.channel = r.channel.min(channels_of(r) as u32 - 1);
        // The network's own directions differ from layer to layer, and exist only at outputs.
        r.toward = basis_recipe::Toward::Random;
    });
}

pub fn step_channel(controller: &Controller, delta: i64) {
    controller.change(|recipe| {
        let channels = channels_of(recipe) as i64;
        recipe.channel = (recipe.channel as i64 + delta).rem_euclid(channels) as u32;
    });
}

pub fn reroll(controller: &Controller) {
    let seed = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    controller.change(|recipe| recipe.seed = seed);
}

fn random_channel(controller: &Controller) {
    controller.change(|recipe| {
        recipe.channel = (js_sys::Math::random() * channels_of(recipe) as f64) as u32;
    });
}

#[component]
pub fn DirectionControls() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let recipe = state.recipe;
    let channels = move || recipe.with(channels_of);
    view! {
        <fieldset class="controls" prop:disabled=move || !state.ready()>
            <legend>"Direction"</legend>
            <super::network_choice::NetworkChoice />
            <div class="control" data-control="layer" hidden=hidden("layer")>
                <label for="layer">"Layer"</label>
                <select
                    id="layer"
                    prop:value=move || recipe.with(|r| r.layer.clone())
                    on:change=move |ev| {
                        let layer = event_target_value(&ev);
                        ctl.with_value(|c| set_layer(c, layer))
                    }
                >
                    <LayerOptions
                        network=state.network
                        selected=Signal::derive(move || recipe.with(|r| r.layer.clone()))
                    />
                </select>
                <Explain explanation=explain::LAYER />
            </div>
            <div class="control" data-control="channel" hidden=hidden("channel")>
                <label for="channel">"Neuron (channel)"</label>
                <button
                    id="channel-prev"
                    title="Previous channel (←)"
                    aria-label="Previous channel"
                    on:click=move |_| ctl.with_value(|c| step_channel(c, -1))
                >
                    "◀"
                </button>
                <input
                    id="channel"
                    type="number"
                    min="0"
                    max=move || channels() - 1
                    prop:value=move || recipe.with(|r| r.channel)
                    on:change=move |ev| {
                        if let Ok(channel) = event_target_value(&ev).parse() {
                            ctl.with_value(|c| c.change(|r| r.channel = channel))
                        }
                    }
                />
                <button
                    id="channel-next"
                    title="Next channel (→)"
                    aria-label="Next channel"
                    on:click=move |_| ctl.with_value(|c| step_channel(c, 1))
                >
                    "▶"
                </button>
                <button id="channel-random" on:click=move |_| ctl.with_value(|c| random_channel(c))>
                    "Random neuron"
                </button>
                <span class="hint">{move || format!("of {}", channels())}</span>
            </div>
            <super::toward::TowardControl />
            <div class="control" data-control="seed" hidden=hidden("seed")>
                <label for="seed">"Random direction seed"</label>
                <input
                    id="seed"
                    type="number"
                    min="0"
                    prop:value=move || recipe.with(|r| r.seed)
                    on:change=move |ev| {
                        if let Ok(seed) = event_target_value(&ev).parse() {
                            ctl.with_value(|c| c.change(|r| r.seed = seed))
                        }
                    }
                />
                <button
                    id="reroll"
                    title="New random direction (r)"
                    on:click=move |_| ctl.with_value(|c| reroll(c))
                >
                    "Re-roll"
                </button>
                <Explain explanation=explain::SEED />
            </div>
            <div class="control" data-control="cospower" hidden=hidden("cospower")>
                <label for="cospower">"Cosine power"</label>
                <input
                    id="cospower"
                    type="number"
                    min="0"
                    max="16"
                    step="0.5"
                    prop:value=move || recipe.with(|r| r.cos_power)
                    on:change=move |ev| {
                        if let Ok(p) = event_target_value(&ev).parse() {
                            ctl.with_value(|c| c.change(|r| r.cos_power = p))
                        }
                    }
                />
                <Explain explanation=explain::COS_POWER />
            </div>
            <div class="control" data-control="negative" hidden=hidden("negative")>
                <input
                    id="negative"
                    type="checkbox"
                    prop:checked=move || recipe.with(|r| r.negative)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ctl.with_value(|c| c.change(|r| r.negative = on))
                    }
                />
                <label for="negative">"Negative (what suppresses it)"</label>
                <Explain explanation=explain::NEGATIVE />
            </div>
            <div class="control" data-control="centre" hidden=hidden("centre")>
                <input
                    id="centre"
                    type="checkbox"
                    prop:checked=move || recipe.with(|r| r.centre)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ctl.with_value(|c| c.change(|r| r.centre = on))
                    }
                />
                <label for="centre">"Centre position only"</label>
                <Explain explanation=explain::CENTRE />
            </div>
        </fieldset>
    }
}

#[component]
pub fn ImageControls() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let recipe = state.recipe;
    let size = move || recipe.with(|r| r.image.size);
    view! {
        <fieldset class="controls" prop:disabled=move || !state.ready()>
            <legend>"Image"</legend>
            <PresetControl />
            <div class="control" data-control="size" hidden=hidden("size")>
                <label for="size">"Size"</label>
                <select
                    id="size"
                    prop:value=move || size().to_string()
                    on:change=move |ev| {
                        if let Ok(size) = event_target_value(&ev).parse() {
                            ctl.with_value(|c| c.change(|r| r.image.size = size))
                        }
                    }
                >
                    {move || {
                        super::choices::choices(&IMAGE_SIZES, size())
                            .into_iter()
                            .map(|s| {
                                view! {
                                    <option value=s.to_string() selected=s == size()>
                                        {format!("{s} px")}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
                <Explain explanation=explain::SIZE />
            </div>
            <super::start::StartControl />
            <div class="control" data-control="steps" hidden=hidden("steps")>
                <label for="steps">"Steps"</label>
                <input
                    id="steps"
                    type="number"
                    min="1"
                    max="4096"
                    prop:value=move || recipe.with(|r| r.steps)
                    on:change=move |ev| {
                        if let Ok(steps) = event_target_value(&ev).parse() {
                            ctl.with_value(|c| c.change(|r| r.steps = steps))
                        }
                    }
                />
                <Explain explanation=explain::STEPS />
            </div>
            <div class="control" data-control="playback" hidden=hidden("playback")>
                <button
                    id="pause"
                    title="Pause or resume (space)"
                    on:click=move |_| ctl.with_value(|c| c.toggle_pause())
                >
                    {move || if state.paused.get() { "Resume" } else { "Pause" }}
                </button>
                <button
                    id="restart"
                    title="Start again from noise"
                    on:click=move |_| ctl.with_value(|c| c.restart())
                >
                    "Restart"
                </button>
            </div>
            <FixedSettings />
        </fieldset>
    }
}

/// Quick, classroom or faithful (or custom): a preset sets the size and the steps.
#[component]
fn PresetControl() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let recipe = state.recipe;
    let current = Memo::new(move |_| recipe.with(Preset::of));
    view! {
        <div class="control" hidden=hidden("size") || hidden("steps")>
            <label for="preset">"Preset"</label>
            <select
                id="preset"
                prop:value=move || current.get().map_or("", Preset::name)
                on:change=move |ev| {
                    if let Ok(preset) = event_target_value(&ev).parse::<Preset>() {
                        ctl.with_value(|c| c.change(|r| preset.apply(r)))
                    }
                }
            >
                {Preset::ALL
                    .map(|preset| {
                        view! {
                            <option
                                value=preset.name()
                                selected=move || current.get() == Some(preset)
                            >
                                {preset.name()}
                            </option>
                        }
                    })}
                <option value="" disabled selected=move || current.get().is_none()>
                    "custom"
                </option>
            </select>
            <p id="preset-purpose" class="hint">
                {move || {
                    current
                        .get()
                        .map_or(
                            "Custom: the size and steps below are no preset's.",
                            Preset::purpose,
                        )
                }}
            </p>
        </div>
    }
}

/// What every picture is made with and has no control: the parametrization and the transforms,
/// read from the recipe, each explained.
#[component]
fn FixedSettings() -> impl IntoView {
    let recipe = expect_context::<State>().recipe;
    view! {
        <details class="explain" hidden=hidden("help")>
            <summary>"How the picture is made"</summary>
            <p id="parametrization">
                {move || recipe.with(|r| format!("Parametrization: {}.", parametrization_text(r)))}
            </p>
            <Explain explanation=explain::DECORRELATION />
            <p id="transforms">
                {move || recipe.with(|r| format!("Transforms: {}.", transforms_text(r)))}
            </p>
            <Explain explanation=explain::TRANSFORMS />
        </details>
    }
}
