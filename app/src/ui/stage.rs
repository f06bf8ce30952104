//! The stage: the image, the direction slider right under it (the product's core control), and
//! the run's status line.

use basis_featvis::direction;
use basis_models::TapId;
use leptos::prelude::*;

use super::state::State;
use super::{ControllerRef, hidden};

/// Degrees between the mixed direction and the neuron's own axis; slerp makes it grow linearly.
pub fn angle_to_neuron(layer: &str, channel: u32, seed: u64, mix: f32) -> f64 {
    let Ok(tap) = TapId::from_name(layer) else {
        return 0.0;
    };
    let channel = channel as usize;
    if channel >= tap.channels() {
        return 0.0;
    }
    let d = direction::mix(tap.channels(), channel, seed, mix as f64);
    d[channel].clamp(-1.0, 1.0).acos().to_degrees()
}

#[component]
pub fn Stage() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let canvas = ctl.with_value(|c| c.canvas);
    view! {
        <figure class="stage">
            <canvas
                id="canvas"
                node_ref=canvas
                width="64"
                height="64"
                role="img"
                data-run=move || state.shown_run.get()
                aria-label="The image optimized to excite the chosen direction"
            ></canvas>
            <Slider />
            <Status />
        </figure>
    }
}

#[component]
fn Slider() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let recipe = state.recipe;
    let angle =
        Memo::new(move |_| recipe.with(|r| angle_to_neuron(&r.layer, r.channel, r.seed, r.mix)));
    view! {
        <div class="slider" data-control="direction" hidden=hidden("direction")>
            <label for="direction">"Direction: from the neuron to a random mixture"</label>
            <div class="slider-track">
                <span class="end">"neuron"</span>
                <input
                    id="direction"
                    type="range"
                    min="0"
                    max="1"
                    step="0.01"
                    prop:value=move || recipe.with(|r| r.mix)
                    prop:disabled=move || !state.ready()
                    on:input=move |ev| {
                        if let Ok(mix) = event_target_value(&ev).parse() {
                            ctl.with_value(|c| c.change(|r| r.mix = mix))
                        }
                    }
                />
                <span class="end">"random"</span>
            </div>
            <p class="slider-readout">
                "t = "
                <output id="direction-value">
                    {move || format!("{:.2}", recipe.with(|r| r.mix))}
                </output> " · "
                <output id="direction-angle">{move || format!("{:.1}°", angle.get())}</output>
                " from the neuron"
            </p>
        </div>
    }
}

#[component]
fn Status() -> impl IntoView {
    let state = expect_context::<State>();
    let progress = state.progress;
    view! {
        <figcaption id="status" data-control="status" hidden=hidden("status")>
            <span>
                "Step " <output id="step">{move || progress.get().step}</output> " / "
                {move || progress.get().target}
            </span>
            <span>
                " · objective "
                <output id="objective">{move || format!("{:.3}", progress.get().objective)}</output>
            </span>
            <span>
                " · "
                <output id="rate">
                    {move || format!("{:.1}", progress.get().steps_per_second)}
                </output> " steps/s"
            </span>
            <span id="done" hidden=move || !progress.get().done>
                " · done"
            </span>
            <span id="paused" hidden=move || !state.paused.get()>
                {move || match state.paused_at.get() {
                    Some(step) => format!(" · paused at step {step}"),
                    None => " · pausing…".to_owned(),
                }}
            </span>
        </figcaption>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_angle_grows_linearly_from_zero_at_the_neuron() {
        assert_eq!(angle_to_neuron("block8", 10, 3, 0.0), 0.0);
        let full = angle_to_neuron("block8", 10, 3, 1.0);
        assert!(full > 45.0 && full <= 180.0, "{full}");
        let half = angle_to_neuron("block8", 10, 3, 0.5);
        assert!((half - full / 2.0).abs() < 1e-3, "{half} vs {full}");
        assert_eq!(angle_to_neuron("nope", 0, 0, 0.5), 0.0);
    }
}
