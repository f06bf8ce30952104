//! The stage: the image, the direction slider right under it (the product's core control), and
//! the run's status line.

use basis_featvis::direction;
use basis_recipe::{Recipe, Toward};
use leptos::prelude::*;

use super::state::State;
use super::toward::{self, Targets};
use super::{ControllerRef, hidden};

/// Degrees between the mixed direction and the neuron's own axis; slerp makes it grow linearly.
/// 0 until the direction it turns toward is known.
pub fn angle_to_neuron(recipe: &Recipe, targets: &Targets) -> f64 {
    let Ok(tap) = recipe.tap() else {
        return 0.0;
    };
    let channel = recipe.channel as usize;
    let Some(target) = toward::target(recipe, targets) else {
        return 0.0;
    };
    if channel >= tap.channels() {
        return 0.0;
    }
    direction::angle_to_neuron(channel, &target, recipe.mix as f64)
}

/// What the slider says to a screen reader: "t 0.40, 36° from the neuron".
pub fn slider_text(mix: f32, angle: f64) -> String {
    format!("t {mix:.2}, {angle:.0}° from the neuron")
}

/// The picture's text alternative: what it shows, and the step of the frame shown of `target`.
pub fn picture_text(recipe: &Recipe, angle: f64, step: u32, target: u32) -> String {
    let direction = if recipe.mix == 0.0 {
        format!("neuron {}", recipe.channel)
    } else {
        format!(
            "neuron {} turned {angle:.0}° toward {} (t {:.2})",
            recipe.channel,
            toward::describe(recipe),
            recipe.mix
        )
    };
    format!(
        "Feature visualization at layer {}, {direction}, step {step} of {target}",
        recipe.layer
    )
}

#[component]
pub fn Stage() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let canvas = ctl.with_value(|c| c.canvas);
    let recipe = state.recipe;
    let angle = Memo::new(move |_| {
        state
            .targets
            .with(|targets| recipe.with(|r| angle_to_neuron(r, targets)))
    });
    let label = move || {
        let target = state.progress.with(|p| p.target);
        recipe.with(|r| picture_text(r, angle.get(), state.shown_step.get(), target))
    };
    view! {
        <figure class="stage">
            <canvas
                id="canvas"
                node_ref=canvas
                width="64"
                height="64"
                role="img"
                data-run=move || state.shown_run.get()
                aria-label=label
            ></canvas>
            <Slider angle=angle />
            <Status />
        </figure>
    }
}

#[component]
fn Slider(angle: Memo<f64>) -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let recipe = state.recipe;
    view! {
        <div class="slider" data-control="direction" hidden=hidden("direction")>
            <label for="direction">
                {move || {
                    let end = if recipe.with(|r| r.toward == Toward::Random) {
                        "a random mixture"
                    } else {
                        "one of the network's own directions"
                    };
                    format!("Direction: from the neuron to {end}")
                }}
            </label>
            <div class="slider-track">
                <span class="end">"neuron"</span>
                <input
                    id="direction"
                    type="range"
                    min="0"
                    max="1"
                    step="0.01"
                    prop:value=move || recipe.with(|r| r.mix)
                    aria-valuetext=move || slider_text(recipe.with(|r| r.mix), angle.get())
                    prop:disabled=move || !state.ready()
                    on:input=move |ev| {
                        if let Ok(mix) = event_target_value(&ev).parse() {
                            ctl.with_value(|c| c.change(|r| r.mix = mix))
                        }
                    }
                />
                <span class="end">
                    {move || {
                        recipe
                            .with(|r| match r.toward {
                                Toward::Random => "random".to_owned(),
                                other => other.to_string(),
                            })
                    }}
                </span>
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
                "Step " <span id="step">{move || progress.get().step}</span> " / "
                {move || progress.get().target}
            </span>
            <span>
                " · objective "
                <span id="objective">{move || format!("{:.3}", progress.get().objective)}</span>
            </span>
            <span>
                " · "
                <span id="rate">{move || format!("{:.1}", progress.get().steps_per_second)}</span>
                " steps/s"
            </span>
            <span id="reduced-motion" hidden=move || !state.reduced_motion.get()>
                {format!(
                    " · reduced motion: a new frame every {:.0} s",
                    super::motion::CALM_FRAME_MS / 1000.0,
                )}
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
        let at = |layer: &str, mix: f32| {
            let mut recipe = Recipe::new("w");
            (recipe.layer, recipe.channel, recipe.seed, recipe.mix) = (layer.into(), 10, 3, mix);
            angle_to_neuron(&recipe, &Targets::new())
        };
        assert_eq!(at("block8", 0.0), 0.0);
        let full = at("block8", 1.0);
        assert!(full > 45.0 && full <= 180.0, "{full}");
        let half = at("block8", 0.5);
        assert!((half - full / 2.0).abs() < 1e-3, "{half} vs {full}");
        assert_eq!(at("nope", 0.5), 0.0);
        // Toward one of the network's own directions: 0 until the engine has sent it.
        let mut recipe = Recipe::new("w");
        (recipe.channel, recipe.mix, recipe.toward) = (10, 1.0, Toward::Read(5));
        assert_eq!(angle_to_neuron(&recipe, &Targets::new()), 0.0);
        let mut target = vec![0.0; 112];
        (target[10], target[11]) = (0.5, 0.75f64.sqrt());
        let targets: Targets = [(toward::key(&recipe), target)].into();
        assert!((angle_to_neuron(&recipe, &targets) - 60.0).abs() < 1e-9);
    }

    #[test]
    fn the_slider_and_the_picture_say_what_they_show() {
        assert_eq!(slider_text(0.4, 36.2), "t 0.40, 36° from the neuron");
        let mut recipe = Recipe::new("w");
        recipe.layer = "block8".into();
        recipe.channel = 10;
        recipe.seed = 3;
        assert_eq!(
            picture_text(&recipe, 0.0, 120, 512),
            "Feature visualization at layer block8, neuron 10, step 120 of 512"
        );
        recipe.mix = 0.4;
        assert_eq!(
            picture_text(&recipe, 36.2, 120, 512),
            "Feature visualization at layer block8, neuron 10 turned 36° toward random direction 3 (t 0.40), step 120 of 512"
        );
    }
}
