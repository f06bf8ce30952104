//! The privileged-basis meter for the current layer: is a single neuron's projection of real
//! activations more heavy-tailed than a random direction's? The AUC with its interval, the
//! kurtosis of every direction (neurons vs random) on one axis, and the AUC along the slider with
//! the current position marked.

use basis_models::LAYERS;
use leptos::prelude::*;

use super::Ctl;
use super::state::State;
use crate::protocol::Meter;

const WIDTH: f64 = 320.0;

fn verdict(meter: &Meter) -> &'static str {
    let auc = meter.kurtosis_auc;
    if auc.low > 0.9 {
        "the neurons are clearly special here (a privileged basis)"
    } else if auc.low > 0.5 {
        "the neurons are somewhat more heavy-tailed than random directions"
    } else {
        "the neurons are not measurably different from random directions"
    }
}

/// Kurtosis of each direction on a log axis: a row of ticks for neurons, one for random ones.
fn strips(meter: &Meter) -> impl IntoView + use<> {
    let all = meter.basis_kurtosis.iter().chain(&meter.random_kurtosis);
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &k| {
        let k = k.max(1e-3).ln();
        (lo.min(k), hi.max(k))
    });
    let span = (hi - lo).max(1e-9);
    let x = move |k: f64| 70.0 + (k.max(1e-3).ln() - lo) / span * (WIDTH - 80.0);
    let row = move |values: &[f64], y: f64, class: &'static str| {
        values
            .iter()
            .map(|&k| view! { <line x1=x(k) x2=x(k) y1=y - 7.0 y2=y + 7.0 class=class></line> })
            .collect_view()
    };
    view! {
        <svg id="meter-strips" class="meter-chart" viewBox=format!("0 0 {WIDTH} 62") role="img" aria-label="Kurtosis of every neuron and every random direction">
            <text x="0" y="18" class="chart-label">"neurons"</text>
            {row(&meter.basis_kurtosis, 14.0, "neuron-tick")}
            <text x="0" y="40" class="chart-label">"random"</text>
            {row(&meter.random_kurtosis, 36.0, "random-tick")}
            <text x="70" y="58" class="tick">{format!("kurtosis {:.1}", lo.exp())}</text>
            <text x=WIDTH - 10.0 y="58" class="tick end">{format!("{:.1} (log scale)", hi.exp())}</text>
        </svg>
    }
}

fn curve(meter: &Meter, t: Signal<f32>) -> impl IntoView + use<> {
    let stops = meter.slider.len().saturating_sub(1).max(1) as f64;
    let x = |t: f64| 30.0 + t * (WIDTH - 40.0);
    let y = |auc: f64| 70.0 - auc * 60.0;
    let points = meter
        .slider
        .iter()
        .enumerate()
        .map(|(i, &auc)| format!("{:.1},{:.1}", x(i as f64 / stops), y(auc)))
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <svg id="meter-curve" class="meter-chart" viewBox=format!("0 0 {WIDTH} 86") role="img" aria-label="Kurtosis AUC along the slider">
            <line x1=x(0.0) x2=x(1.0) y1=y(0.5) y2=y(0.5) class="chance"></line>
            <polyline points=points class="curve"></polyline>
            <line x1=move || x(t.get() as f64) x2=move || x(t.get() as f64) y1=y(1.0) y2=y(0.0) class="marker"></line>
            <text x="0" y=y(1.0) + 4.0 class="tick">"1"</text>
            <text x="0" y=y(0.5) + 4.0 class="tick">"0.5"</text>
            <text x=x(0.0) y="84" class="tick">"t = 0 (neuron)"</text>
            <text x=x(1.0) y="84" class="tick end">"1 (random)"</text>
        </svg>
    }
}

#[component]
pub fn MeterView() -> impl IntoView {
    let state = expect_context::<State>();
    let t = Signal::derive(move || state.recipe.with(|r| r.mix));
    let current = move || {
        let layer = state.recipe.with(|r| r.layer.clone());
        state.meters.with(|m| m.get(&layer).cloned())
    };
    view! {
        <section id="meter" class="meter" hidden=move || current().is_none()>
            <h3>"Privileged-basis meter for this layer"</h3>
            {move || current().map(|m| {
                let auc = m.kurtosis_auc;
                view! {
                    <p id="meter-auc">{format!("Kurtosis AUC {:.3} (95% interval {:.3}–{:.3}): {}.", auc.value, auc.low, auc.high, verdict(&m))}</p>
                    <p class="hint">{format!("AUC = the chance that a neuron's projection of the photos' activations is more heavy-tailed than a random direction's (0.5: no difference). Hoyer sparsity AUC {:.3}; activation vectors' kurtosis {:.2}, after a random rotation {:.2}.", m.hoyer_auc.value, m.vector_kurtosis, m.vector_kurtosis_rotated)}</p>
                    {strips(&m)}
                    <p class="example-title">"Along the slider: how fast the neuron's advantage fades"</p>
                    {curve(&m, t)}
                }
            })}
        </section>
    }
}

/// The network's privileged-basis profile: one row per layer, filled in as the engine measures.
#[component]
pub fn ProfileTable() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<Ctl>();
    let measured = move || state.meters.with(|m| m.len());
    let rows = move || {
        state.meters.with(|meters| {
            LAYERS
                .iter()
                .filter_map(|layer| {
                    let m = meters.get(layer.name)?;
                    let auc = m.kurtosis_auc;
                    Some(view! {
                        <tr data-layer=layer.name>
                            <td>{layer.name}</td>
                            <td>{layer.activation()}</td>
                            <td>{layer.channels}</td>
                            <td>{format!("{:.3} [{:.3}, {:.3}]", auc.value, auc.low, auc.high)}</td>
                            <td>{format!("{:.3}", m.hoyer_auc.value)}</td>
                            <td>{format!("{:.2} → {:.2}", m.vector_kurtosis, m.vector_kurtosis_rotated)}</td>
                        </tr>
                    })
                })
                .collect_view()
        })
    };
    view! {
        <section id="profile" class="profile">
            <button id="profile-all" prop:disabled=move || !state.ready() on:click=move |_| ctl.with_value(|c| c.request_profile())>"Profile every layer"</button>
            <span id="profile-progress" class="hint">{move || format!(" {} of {} layers measured", measured(), LAYERS.len())}</span>
            <p class="hint">"Taps after a ReLU6 (stem, head) against linear block outputs (a 1×1 projection plus the residual, no nonlinearity after it)."</p>
            <table id="profile-table" class="per-layer" hidden=move || measured() == 0>
                <thead><tr><th>"Layer"</th><th>"After"</th><th>"Channels"</th><th>"Kurtosis AUC [95%]"</th><th>"Hoyer AUC"</th><th>"Vector kurtosis → rotated"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
