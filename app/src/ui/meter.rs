//! The privileged-basis meter for the current layer: is a single neuron's projection of real
//! activations more heavy-tailed than a random direction's? The AUC with its interval, the
//! kurtosis of every direction (neurons vs random) on one axis, and the AUC along the slider with
//! the current position marked.

use basis_models::{Network, TapId};
use leptos::prelude::*;

use super::ControllerRef;
use super::layers::groups;
use super::state::State;
use std::collections::HashMap;

use crate::protocol::{Meter, Photos};

const WIDTH: f64 = 320.0;

/// The meter's headline: the AUC, its interval and the verdict.
pub fn auc_line(meter: &Meter) -> String {
    let auc = meter.kurtosis_auc;
    format!(
        "Kurtosis AUC {:.3} (95% interval {:.3}–{:.3}): {}.",
        auc.value, auc.low, auc.high, meter.verdict
    )
}

/// Channels the meter does not rank, in words: "3 of 480 channels never respond on these 8
/// photos (1 more are constant): they are not ranked.", or nothing when every channel varies.
/// Where a budget cut the positions, constant means constant at the positions read.
pub fn unranked(meter: &Meter, channels: usize) -> Option<String> {
    let constant = meter.constant.len();
    if constant == 0 {
        return None;
    }
    let others = constant - meter.silent;
    let at = if meter.read_positions < meter.positions {
        " at the positions read"
    } else {
        ""
    };
    let mut words = format!(
        "{} of {channels} channels never respond on these {} photos{at}",
        meter.silent, meter.photos
    );
    if others > 0 {
        words += &format!(" ({others} more are constant)");
    }
    Some(words + ": they are not ranked.")
}

/// How often the current neuron sits at ReLU6's floor and ceiling, e.g. "Neuron 7 is at 0 on
/// 71.3% of the positions and at 6 on 0.2%."
fn saturation(meter: &Meter, channel: usize) -> Option<String> {
    let (zero, six) = (meter.at_zero.get(channel)?, meter.at_six.get(channel)?);
    Some(format!(
        "Neuron {channel} is at 0 on {:.1}% of the positions and at 6 on {:.1}%.",
        100.0 * zero,
        100.0 * six
    ))
}

/// The positions the statistics read, when a budget cut them.
fn budget(meter: &Meter) -> Option<String> {
    (meter.read_positions < meter.positions).then(|| {
        format!(
            "A seeded {} of the {} positions are read (the same number from every crop).",
            meter.read_positions, meter.positions
        )
    })
}

/// The natural-log range of every direction's kurtosis in `meters`: one axis for meters shown
/// side by side.
pub fn log_range<'a>(meters: impl IntoIterator<Item = &'a Meter>) -> (f64, f64) {
    meters
        .into_iter()
        .flat_map(|m| {
            let learned = m.learned.iter().flat_map(|l| &l.kurtosis);
            m.basis_kurtosis
                .iter()
                .chain(&m.random_kurtosis)
                .chain(learned)
        })
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &k| {
            let k = k.max(1e-3).ln();
            (lo.min(k), hi.max(k))
        })
}

/// Kurtosis of each direction on a log axis spanning `range` (see [`log_range`]): a row of ticks
/// for neurons, one for random ones, one for learned ones once measured, and a triangle at `own`,
/// the current direction's kurtosis, when known.
pub fn strips(
    meter: &Meter,
    id: &'static str,
    range: (f64, f64),
    own: Signal<Option<f64>>,
) -> impl IntoView + use<> {
    let (lo, hi) = range;
    let span = (hi - lo).max(1e-9);
    let x = move |k: f64| 70.0 + (k.max(1e-3).ln() - lo) / span * (WIDTH - 80.0);
    let row = move |values: &[f64], y: f64, class: &'static str| {
        values
            .iter()
            .map(|&k| view! { <line x1=x(k) x2=x(k) y1=y - 7.0 y2=y + 7.0 class=class></line> })
            .collect_view()
    };
    // The learned row sits under the axis's two rows, and the axis labels move down with it.
    let learned = meter.learned.as_ref().map(|l| {
        view! {
            <text x="0" y="62" class="chart-label">
                "ICA"
            </text>
            {row(&l.kurtosis, 58.0, "learned-tick")}
        }
    });
    let (height, label) = if learned.is_some() {
        (
            84.0,
            "Kurtosis of every neuron, every random direction and every learned (ICA) direction",
        )
    } else {
        (62.0, "Kurtosis of every neuron and every random direction")
    };
    view! {
        <svg
            id=id
            class="meter-chart"
            viewBox=format!("0 0 {WIDTH} {height}")
            role="img"
            aria-label=label
        >
            <text x="0" y="18" class="chart-label">
                "neurons"
            </text>
            {row(&meter.basis_kurtosis, 14.0, "neuron-tick")}
            <text x="0" y="40" class="chart-label">
                "random"
            </text>
            {row(&meter.random_kurtosis, 36.0, "random-tick")}
            <path
                id=format!("{id}-own")
                class="own-marker"
                visibility=move || if own.get().is_some() { "visible" } else { "hidden" }
                d=move || {
                    let at = own.get().map_or(0.0, x);
                    format!("M{:.1},24 l-5,-8 h10 z M{:.1},26 l-5,8 h10 z", at, at)
                }
            ></path>
            {learned}
            <text x="70" y=height - 4.0 class="tick">
                {format!("kurtosis {:.1}", lo.exp())}
            </text>
            <text x=WIDTH - 10.0 y=height - 4.0 class="tick end">
                {format!("{:.1} (log scale)", hi.exp())}
            </text>
        </svg>
    }
}

/// The population's AUC along the slider, and the current direction's standing among the random
/// directions along the same path, when known.
fn curve(meter: &Meter, t: Signal<f32>, own: Signal<Option<Vec<f64>>>) -> impl IntoView + use<> {
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
        <svg
            id="meter-curve"
            class="meter-chart"
            viewBox=format!("0 0 {WIDTH} 86")
            role="img"
            aria-label="Kurtosis AUC along the slider"
        >
            <line x1=x(0.0) x2=x(1.0) y1=y(0.5) y2=y(0.5) class="chance"></line>
            <polyline points=points class="curve"></polyline>
            <polyline
                id="meter-own-curve"
                class="own-curve"
                points=move || {
                    own.get()
                        .unwrap_or_default()
                        .iter()
                        .enumerate()
                        .map(|(i, &p)| format!("{:.1},{:.1}", x(i as f64 / stops), y(p)))
                        .collect::<Vec<_>>()
                        .join(" ")
                }
            ></polyline>
            <line
                x1=move || x(t.get() as f64)
                x2=move || x(t.get() as f64)
                y1=y(1.0)
                y2=y(0.0)
                class="marker"
            ></line>
            <text x="0" y=y(1.0) + 4.0 class="tick">
                "1"
            </text>
            <text x="0" y=y(0.5) + 4.0 class="tick">
                "0.5"
            </text>
            <text x=x(0.0) y="84" class="tick">
                "t = 0 (neuron)"
            </text>
            <text x=x(1.0) y="84" class="tick end">
                "1 (random)"
            </text>
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
    // One axis for this layer's meters on both pools, so their ticks compare.
    let range = move |shipped: &Meter| {
        let layer = state.recipe.with(|r| r.layer.clone());
        let large = state.large_meters.with(|m| m.get(&layer).cloned());
        log_range([shipped].into_iter().chain(large.as_ref()))
    };
    // The current direction along the slider, from the pool's activations at its layer: computed
    // again when the layer, neuron or seed changes, not when t does.
    let key = Memo::new(move |_| {
        let target = state
            .targets
            .with(|targets| state.recipe.with(|r| super::toward::target(r, targets)));
        state.recipe.with(|r| (r.layer.clone(), r.channel, target))
    });
    let layer = Memo::new(move |_| state.recipe.with(|r| r.layer.clone()));
    // Only the current layer's meter: a profile filling in other layers does not recompute.
    let random_kurtosis = Memo::new(move |_| {
        let layer = layer.get();
        state
            .meters
            .with(|m| m.get(&layer).map(|m| m.random_kurtosis.clone()))
    });
    let along = Memo::new(move |_| {
        let (layer, channel, target) = key.get();
        let (random, target) = (random_kurtosis.get()?, target?);
        let acts = state.pool_activations.get()?;
        (acts.layer == layer).then(|| {
            basis_featvis::privileged::along_slider(
                &acts.acts.values,
                acts.acts.channels,
                channel as usize,
                &target,
                &random,
            )
        })
    });
    let own_kurtosis = Signal::derive(move || {
        let stop = (t.get() as f64 * (basis_featvis::privileged::SLIDER_STOPS - 1) as f64).round()
            as usize;
        along.with(|a| a.as_ref().and_then(|a| a.get(stop)).map(|(k, _)| *k))
    });
    let own_curve = Signal::derive(move || {
        along.with(|a| {
            a.as_ref()
                .map(|a| a.iter().map(|(_, standing)| *standing).collect())
        })
    });
    view! {
        <section id="meter" class="meter" hidden=move || current().is_none()>
            <h3>"Privileged-basis meter for this layer"</h3>
            {move || {
                current()
                    .map(|m| {
                        let channels = state.recipe.with(|r| r.tap().map_or(0, TapId::channels));
                        view! {
                            <p id="meter-auc">{auc_line(&m)}</p>
                            <p
                                id="meter-unranked"
                                class="hint"
                                hidden=unranked(&m, channels).is_none()
                            >
                                {unranked(&m, channels)}
                            </p>
                            <p id="meter-saturation" class="hint">
                                {
                                    let m = m.clone();
                                    move || {
                                        state.recipe.with(|r| saturation(&m, r.channel as usize))
                                    }
                                }
                            </p>
                            <p class="hint">
                                {format!(
                                    "AUC = the chance that a neuron's projection of the photos' activations is more heavy-tailed than a random direction's (0.5: no difference). The interval resamples the {} photos, then the directions, so a few photos give a wide one. Activation vectors' kurtosis {:.2}, after a random rotation {:.2}. {}",
                                    m.photos,
                                    m.vector_kurtosis,
                                    m.vector_kurtosis_rotated,
                                    budget(&m).unwrap_or_default(),
                                )}
                            </p>
                            {strips(&m, "meter-strips", range(&m), own_kurtosis)}
                            <LearnedLine meter=m.clone() />
                            <p class="example-title">
                                "Along the slider: how fast the neuron's advantage fades"
                            </p>
                            {curve(&m, t, own_curve)}
                            <p class="hint">
                                "The thin line: this direction's own standing among the random directions (the chance it is more heavy-tailed than one of them) as the slider turns it; the triangles on the ticks mark its kurtosis now."
                            </p>
                        }
                    })
            }}
            <LargeMeter />
        </section>
    }
}

/// The learned arm's line, or the button that asks for it: directions ICA learns from half of
/// the photos, measured on the other half — how heavy-tailed a direction of this layer can be,
/// the ceiling the neurons' AUC is read against.
#[component]
fn LearnedLine(meter: Meter) -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let asked = RwSignal::new(false);
    match meter.learned {
        Some(learned) => view! {
            <p id="meter-learned">
                {if learned.kurtosis.is_empty() {
                    "Learned directions: on one half of these photos ICA found no direction clearly more heavy-tailed than a Gaussian, so there is nothing to compare."
                        .to_owned()
                } else {
                    format!(
                        "Learned directions (ICA, {} heavy-tailed, each measured on the half of the photos it was not learned from): AUC {:.3} (95% interval {:.3}–{:.3}) against random directions: {}.",
                        learned.kurtosis.len(),
                        learned.kurtosis_auc.value,
                        learned.kurtosis_auc.low,
                        learned.kurtosis_auc.high,
                        learned.verdict,
                    )
                }}
            </p>
            <p class="hint">
                "ICA looks for the least Gaussian directions of this layer; the arm keeps those clearly more heavy-tailed than a Gaussian, so its AUC is the ceiling for the neurons' — where the photos suffice to learn them. It learns on half of the photos and is measured on the other half (then the other way round): measured on the photos it learned from, it finds heavy tails even in noise. On a wide layer a few photos are too few to learn from: there a learned AUC below the neurons' says the photos are too few, not that no direction beats the neurons."
            </p>
        }
            .into_any(),
        None => view! {
            <p>
                <button
                    id="meter-learned-ask"
                    prop:disabled=move || !state.ready() || asked.get()
                    on:click=move |_| {
                        asked.set(true);
                        state
                            .recipe
                            .with_untracked(|r| ctl.with_value(|c| c.request_learned(&r.layer)));
                    }
                >
                    "Learn directions from these photos (ICA)"
                </button>
                <span class="hint">
                    {move || {
                        if asked.get() {
                            " Learning: a few seconds, more on a wide layer."
                        } else {
                            " Adds a third row: the most heavy-tailed directions the photos hold, the ceiling for the neurons."
                        }
                    }}
                </span>
            </p>
        }
            .into_any(),
    }
}

/// The current layer's meter on the large photo pool, when the user asks: hundreds of photos
/// narrow the interval that a few photos leave wide.
#[component]
fn LargeMeter() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let layer = Memo::new(move |_| state.recipe.with(|r| r.layer.clone()));
    let large = move || state.large_meters.with(|m| m.get(&layer.get()).cloned());
    let channels = move || state.network.tap(&layer.get()).map_or(0, TapId::channels);
    let shown = move || {
        large().map(|m| {
            let shipped = state.meters.with(|s| s.get(&layer.get()).cloned());
            let range = log_range(shipped.iter().chain([&m]));
            view! {
                <p id="large-meter-auc">
                    {format!("On the large pool ({} photos): {}", m.photos, auc_line(&m))}
                </p>
                <p id="large-meter-unranked" class="hint" hidden=unranked(&m, channels()).is_none()>
                    {unranked(&m, channels())}
                </p>
                <p class="hint">{budget(&m)}</p>
                {strips(&m, "large-meter-strips", range, Signal::derive(|| None))}
            }
        })
    };
    view! {
        <div id="large-meter">
            <button
                id="large-meter-ask"
                prop:disabled=move || !state.ready() || large().is_some()
                on:click=move |_| ctl.with_value(|c| c.request_large_meter(&layer.get_untracked()))
            >
                "Measure this layer on the large photo pool"
            </button>
            <span class="hint">
                " Hundreds of photos from Debian packages (see the README for each one's licence), downloaded the first time and then kept for offline use."
            </span>
            <p
                id="large-meter-progress"
                class="hint"
                hidden=move || state.large_progress.with(Option::is_none)
            >
                {move || state.large_progress.get().map(|p| p.describe())}
            </p>
            {shown}
        </div>
    }
}

/// How many ReLU6 taps and how many linear taps have their whole interval above 0.5, among the
/// measured ones.
fn tally(network: Network, meters: &HashMap<String, Meter>, activation: &str) -> String {
    let measured: Vec<&Meter> = network
        .layers()
        .iter()
        .filter(|l| l.activation() == activation)
        .filter_map(|l| meters.get(&l.name))
        .collect();
    let above = measured.iter().filter(|m| m.kurtosis_auc.low > 0.5).count();
    format!("{above} of {} {activation} taps", measured.len())
}

fn interval(m: &Meter) -> String {
    let auc = m.kurtosis_auc;
    format!("{:.3} [{:.3}, {:.3}]", auc.value, auc.low, auc.high)
}

/// The network's privileged-basis profile: a group of rows per block, filled in as the engine
/// measures, on the shipped photos and, when asked, on the large pool.
#[component]
pub fn ProfileTable() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let measured = move || state.meters.with(|m| m.len()) + state.large_meters.with(|m| m.len());
    let row = move |layer: &'static basis_models::Layer| {
        let shipped = state.meters.with(|m| m.get(&layer.name).cloned());
        let large = state.large_meters.with(|m| m.get(&layer.name).cloned());
        if shipped.is_none() && large.is_none() {
            return None;
        }
        let cell = |m: &Option<Meter>, text: fn(&Meter) -> String| {
            m.as_ref().map_or_else(|| "—".to_owned(), text)
        };
        Some(view! {
            <tr data-layer=layer.name.as_str()>
                <td>{layer.name.as_str()}</td>
                <td>{layer.activation()}</td>
                <td>{layer.channels}</td>
                <td>{cell(&shipped, interval)}</td>
                <td>{cell(&shipped, |m| m.verdict.clone())}</td>
                <td>{cell(&shipped, |m| m.constant.len().to_string())}</td>
                <td>
                    {cell(
                        &shipped,
                        |m| format!("{:.2} → {:.2}", m.vector_kurtosis, m.vector_kurtosis_rotated),
                    )}
                </td>
                <td>{cell(&large, interval)}</td>
                <td>{cell(&large, |m| m.verdict.clone())}</td>
            </tr>
        })
    };
    let bodies = move || {
        groups(state.network)
            .into_iter()
            .map(
                |(_, layers)| view! { <tbody>{layers.into_iter().map(row).collect_view()}</tbody> },
            )
            .collect_view()
    };
    let summary = move || {
        let on_large = state.large_meters.with(|m| {
            (!m.is_empty()).then(|| {
                format!(
                    " On the large pool: {}, {}.",
                    tally(state.network, m, "ReLU6"),
                    tally(state.network, m, "linear")
                )
            })
        });
        state.meters.with(|m| {
            format!(
                "Neurons more heavy-tailed than random directions (interval above 0.5): {}, {}.{} Every tap reads the same photos, so these are not independent findings.",
                tally(state.network, m, "ReLU6"),
                tally(state.network, m, "linear"),
                on_large.unwrap_or_default()
            )
        })
    };
    view! {
        <section id="profile" class="profile">
            <button
                id="profile-all"
                prop:disabled=move || !state.ready()
                on:click=move |_| ctl.with_value(|c| c.request_profile(Photos::Shipped))
            >
                "Profile every layer"
            </button>
            <button
                id="profile-all-large"
                prop:disabled=move || !state.ready()
                on:click=move |_| ctl.with_value(|c| c.request_profile(Photos::Large))
            >
                "Profile every layer on the large photo pool"
            </button>
            <span id="profile-progress" class="hint">
                {move || {
                    let taps = state.network.layers().len();
                    let large = state.large_meters.with(|m| m.len());
                    let on_large = if large > 0 {
                        format!(", {large} of {taps} on the large pool")
                    } else {
                        String::new()
                    };
                    format!(" {} of {taps} taps measured{on_large}", state.meters.with(|m| m.len()))
                }}
            </span>
            <p
                id="profile-large-progress"
                class="hint"
                hidden=move || state.large_progress.with(Option::is_none)
            >
                {move || state.large_progress.get().map(|p| p.describe())}
            </p>
            <p class="hint">
                "Taps after a ReLU6 (the stem, each block's expansion and depthwise convolution, the head) against linear block outputs (a 1×1 projection plus the residual, no nonlinearity after it)."
            </p>
            <p id="profile-summary" class="hint" hidden=move || measured() == 0>
                {summary}
            </p>
            <table id="profile-table" class="per-layer" hidden=move || measured() == 0>
                <thead>
                    <tr>
                        <th>"Tap"</th>
                        <th>"After"</th>
                        <th>"Channels"</th>
                        <th>"Kurtosis AUC [95%]"</th>
                        <th>"Verdict"</th>
                        <th>"Constant"</th>
                        <th>"Vector kurtosis → rotated"</th>
                        <th>"Large pool: AUC [95%]"</th>
                        <th>"Large pool: verdict"</th>
                    </tr>
                </thead>
                {bodies}
            </table>
        </section>
    }
}
