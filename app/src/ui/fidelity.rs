//! The fidelity panel (after Geirhos et al. 2024, "Don't trust your eyes"): how strongly the
//! finished picture drives its direction compared with the best photo crop, and how much of the
//! picture's activation is that direction at all (`basis_featvis::fidelity`). The engine measures
//! the picture's activations when it finishes; the comparison with the pool is made here, as the
//! dataset examples are, so the numbers are those `basis fidelity` gives for the downloaded PNG
//! against the same photos (`--photos` for the user's own).

use basis_featvis::fidelity::{self, Fidelity};
use leptos::prelude::*;

use super::state::{Picture, State};
use super::toward::Targets;

const PAPER: &str = "https://arxiv.org/abs/2306.04719";

/// The picture's fidelity, once the pool has been measured at its layer.
#[derive(Clone, PartialEq)]
struct Measured {
    fidelity: Fidelity,
    best_photo: Option<String>,
    step: u32,
}

fn measure(picture: &Picture, state: State, targets: &Targets) -> Option<Measured> {
    let pool = state.pool_activations.get()?;
    if pool.layer != picture.recipe.layer {
        return None;
    }
    let target = super::toward::target(&picture.recipe, targets)?;
    let d = fidelity::optimized_direction(&picture.recipe, &target).ok()?;
    let fidelity = fidelity::measure(&picture.acts, &pool.acts, &d);
    let best_photo = fidelity.best_photo.and_then(|best| {
        state
            .pool_crops
            .with(|c| c.as_ref().and_then(|c| c.photos.get(best.crop).cloned()))
    });
    Some(Measured {
        fidelity,
        best_photo,
        step: picture.step,
    })
}

fn ratio_text(m: &Measured) -> String {
    match (m.fidelity.ratio, &m.best_photo, m.fidelity.best_photo) {
        (Some(ratio), Some(photo), Some(best)) => format!(
            "{ratio:.2}× the best photo crop's ({:.3} against {:.3}, from {photo})",
            m.fidelity.response, best.value
        ),
        _ => format!(
            "{:.3}; no photo crop responds above 0, so there is nothing to compare it with",
            m.fidelity.response
        ),
    }
}

#[component]
pub fn FidelityPanel() -> impl IntoView {
    let state = expect_context::<State>();
    let open = RwSignal::new(false);
    super::pool_panel::ask_while_open(open);
    let measured = Memo::new(move |_| {
        let picture = state.picture.get()?;
        state
            .targets
            .with(|targets| measure(&picture, state, targets))
    });
    let waiting = move || measured.with(Option::is_none);
    let waiting_text = move || {
        if state.picture.with(Option::is_none) {
            "Measured when the picture is finished.".to_owned()
        } else {
            super::pool_panel::progress_text(state)
        }
    };
    let number = move |pick: fn(&Fidelity) -> Option<f32>| {
        move || {
            measured
                .get()
                .and_then(|m| pick(&m.fidelity))
                .map(|v| v.to_string())
        }
    };
    view! {
        <details
            id="fidelity"
            class="controls fidelity"
            hidden=move || !state.ready()
            on:toggle=super::pool_panel::track_open(open)
        >
            <summary id="fidelity-toggle">"Is this picture faithful? (fidelity)"</summary>
            <p class="hint">
                "A picture can look meaningful and still say little about what its direction does on real photos ("
                <a href=PAPER target="_blank" rel="noopener">
                    "Geirhos et al. 2024"
                </a>
                "). Two checks, at the picture's strongest position (positions within a few percent of it share in the cosine), against the pool's photos: "
                "its response against the best photo crop's (far above 1× is usual: a visualization exaggerates), and the cosine between the picture's activation and the direction (near 1: the picture drives the direction itself; low: it won by driving channels that merely lean toward it)."
            </p>
            <p id="fidelity-progress" hidden=move || !waiting()>
                {waiting_text}
            </p>
            <dl class="fidelity-numbers" hidden=waiting>
                <dt>"Response"</dt>
                <dd
                    id="fidelity-ratio"
                    data-ratio=number(|f| f.ratio)
                    data-response=number(|f| Some(f.response))
                >
                    {move || measured.get().map(|m| ratio_text(&m))}
                </dd>
                <dt>"Specificity"</dt>
                <dd id="fidelity-specificity" data-value=number(|f| Some(f.specificity))>
                    {move || {
                        measured
                            .get()
                            .map(|m| {
                                format!(
                                    "cos {:.3} between the picture's activation and the direction (picture at step {})",
                                    m.fidelity.specificity,
                                    m.step,
                                )
                            })
                    }}
                </dd>
            </dl>
        </details>
    }
}
