//! The controls beside the stage: what direction to visualize, and how the image is made.

use basis_models::TapId;
use leptos::prelude::*;

use super::controller::Controller;
use super::layers::LayerOptions;
use super::state::State;
use super::{ControllerRef, hidden};

/// Sizes the picker offers; a link may carry any other valid size, which is then offered too.
const IMAGE_SIZES: [usize; 3] = [64, 128, 224];

fn channels_of(layer: &str) -> usize {
    TapId::from_name(layer).map(TapId::channels).unwrap_or(1)
}

pub fn step_channel(controller: &Controller, delta: i64) {
    controller.change(|recipe| {
        let channels = channels_of(&recipe.layer) as i64;
        recipe.channel = (recipe.channel as i64 + delta).rem_euclid(channels) as u32;
    });
}

pub fn reroll(controller: &Controller) {
    let seed = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    controller.change(|recipe| recipe.seed = seed);
}

fn random_channel(controller: &Controller) {
    controller.change(|recipe| {
        recipe.channel = (js_sys::Math::random() * channels_of(&recipe.layer) as f64) as u32;
    });
}

/// The sizes to offer: the usual ones and the recipe's own.
pub fn size_choices(current: usize) -> Vec<usize> {
    let mut sizes = IMAGE_SIZES.to_vec();
    if !sizes.contains(&current) {
        sizes.push(current);
        sizes.sort_unstable();
    }
    sizes
}

#[component]
pub fn DirectionControls() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let recipe = state.recipe;
    let channels = move || recipe.with(|r| channels_of(&r.layer));
    view! {
        <fieldset class="controls" prop:disabled=move || !state.ready()>
            <legend>"Direction"</legend>
            <div class="control" data-control="layer" hidden=hidden("layer")>
                <label for="layer">"Layer"</label>
                <select
                    id="layer"
                    prop:value=move || recipe.with(|r| r.layer.clone())
                    on:change=move |ev| {
                        let layer = event_target_value(&ev);
                        ctl.with_value(|c| {
                            c.change(|r| {
                                r.channel = r.channel.min(channels_of(&layer) as u32 - 1);
                                r.layer = layer;
                            })
                        })
                    }
                >
                    <LayerOptions selected=Signal::derive(move || {
                        recipe.with(|r| r.layer.clone())
                    }) />
                </select>
            </div>
            <div class="control" data-control="channel" hidden=hidden("channel")>
                <label for="channel">"Neuron (channel)"</label>
                <button
                    id="channel-prev"
                    title="Previous channel (←)"
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
                    on:click=move |_| ctl.with_value(|c| step_channel(c, 1))
                >
                    "▶"
                </button>
                <button id="channel-random" on:click=move |_| ctl.with_value(|c| random_channel(c))>
                    "Random neuron"
                </button>
                <span class="hint">{move || format!("of {}", channels())}</span>
            </div>
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
                <span class="hint">
                    "0: push along the direction; higher: also point the same way"
                </span>
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
                        size_choices(size())
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
            </div>
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
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linked_size_is_offered_beside_the_usual_ones() {
        assert_eq!(size_choices(128), vec![64, 128, 224]);
        assert_eq!(size_choices(96), vec![64, 96, 128, 224]);
        assert_eq!(size_choices(512), vec![64, 128, 224, 512]);
    }
}
