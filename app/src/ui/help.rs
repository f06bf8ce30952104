//! What the picture means, in a teacher's words.

use basis_recipe::CONTROLS;
use leptos::prelude::*;

use super::hidden;
use super::preference::SINGLE_KEYS;
use super::state::State;

#[component]
pub fn Help() -> impl IntoView {
    let state = expect_context::<State>();
    view! {
        <section class="help" data-control="help" hidden=hidden("help")>
            <h2>"What am I looking at?"</h2>
            <dl>
                <dt>"Neuron"</dt>
                <dd>
                    "One channel of a layer. The picture is optimized, pixel pattern by pixel pattern, to make that channel respond as strongly as possible."
                </dd>
                <dt>"Direction"</dt>
                <dd>
                    "A layer's response at a point is a list of numbers, one per channel: a point in a space with one axis per neuron. A direction is any arrow in that space. A neuron is the arrow along one axis — a basis direction."
                </dd>
                <dt>"Random mixture"</dt>
                <dd>
                    "An arrow pointing somewhere random: every channel mixed in with a random weight. Slide from neuron to random and judge for yourself whether the neuron's picture is more meaningful. The angle under the slider says how far the arrow has turned away from the neuron."
                </dd>
            </dl>
            <p class="hint">
                "Keys (when no control has focus): ← → change neuron · space pauses · r re-rolls the random direction. "
                <label>
                    <input
                        id="single-keys"
                        type="checkbox"
                        prop:checked=move || state.single_keys.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            SINGLE_KEYS.set(on);
                            state.single_keys.set(on);
                        }
                    />
                    " Space and r as shortcuts (untick if they get in the way of a screen reader or voice control)"
                </label>
            </p>
            <p class="hint">
                {format!(
                    "Link options for a classroom: hide= followed by any of {} (comma-separated), and present for a projector.",
                    CONTROLS.join(", "),
                )}
            </p>
        </section>
    }
}
