//! "Start from": noise (Lucid's), a photo of the pool (named in the link), or the user's own photo
//! (kept in the engine's worker; the link says only that the picture started from one) — feature
//! accentuation — and the penalty that keeps the picture close to its photo.

use basis_recipe::{DEFAULT_PENALTY, Start};
use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::JsCast;

use super::explain::{self, Explain};
use super::state::State;
use super::{ControllerRef, fetched, hidden};

const NOISE: &str = "noise";
const OWN: &str = "own";
const PHOTO: &str = "photo:";

#[derive(Clone, Deserialize)]
struct List {
    photos: Vec<String>,
}

/// The select's value for a start.
fn choice(start: &Start) -> String {
    match start {
        Start::Noise => NOISE.to_owned(),
        Start::Pool { photo, .. } => format!("{PHOTO}{photo}"),
        Start::Own { .. } => OWN.to_owned(),
    }
}

/// The start a select's value asks for, keeping the penalty the recipe had.
fn chosen(value: &str, penalty: f32) -> Start {
    match value.strip_prefix(PHOTO) {
        Some(photo) => Start::Pool {
            photo: photo.to_owned(),
            penalty,
        },
        None if value == OWN => Start::Own { penalty },
        None => Start::Noise,
    }
}

#[component]
pub fn StartControl() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let recipe = state.recipe;
    let photos = LocalResource::new(|| fetched::json::<List>("model/photos.json"));
    // "Your own photo" is chosen before its file is: the file picker shows until one is read.
    let wants_own = RwSignal::new(false);
    let own_name = RwSignal::new(None::<String>);
    let value = move || {
        if wants_own.get() {
            OWN.to_owned()
        } else {
            recipe.with(|r| choice(&r.start))
        }
    };
    let penalty = move || recipe.with(|r| r.start.penalty().unwrap_or(DEFAULT_PENALTY));
    let from_noise = move || value() == NOISE;
    let set_start = move |start: Start| ctl.with_value(|c| c.change(|r| r.start = start));
    let on_file = move |ev: web_sys::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(file) = input
            .as_ref()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer);
                    own_name.set(Some(name.clone()));
                    wants_own.set(false);
                    ctl.with_value(|c| {
                        c.set_own_photo(name, bytes);
                        let already = c.state.recipe.with_untracked(|r| r.start.clone());
                        match already {
                            // The same recipe with another photo: a new picture all the same.
                            Start::Own { .. } => c.restart(),
                            _ => c.change(|r| {
                                r.start = Start::Own {
                                    penalty: r.start.penalty().unwrap_or(DEFAULT_PENALTY),
                                }
                            }),
                        }
                    });
                }
                Err(_) => ctl.with_value(|c| {
                    c.state
                        .message
                        .set(Some(format!("{name} could not be read from the disk.")))
                }),
            }
        });
    };
    view! {
        <div class="control" data-control="start" hidden=hidden("start")>
            <label for="start">"Start from"</label>
            <select
                id="start"
                prop:value=value
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if value == OWN && own_name.get_untracked().is_none() {
                        wants_own.set(true);
                    } else {
                        wants_own.set(false);
                        set_start(chosen(&value, penalty()));
                    }
                }
            >
                <option value=NOISE>"noise (Lucid's)"</option>
                {move || {
                    photos
                        .get()
                        .and_then(Result::ok)
                        .map(|list| {
                            list.photos
                                .into_iter()
                                .map(|name| {
                                    let option = format!("{PHOTO}{name}");
                                    let selected = option.clone();
                                    view! {
                                        <option value=option selected=move || value() == selected>
                                            {format!("photo: {name}")}
                                        </option>
                                    }
                                })
                                .collect_view()
                        })
                }}
                <option value=OWN>"your own photo (stays on this device)"</option>
            </select>
            <span class="hint" hidden=move || value() != OWN>
                <label for="own-photo">"Your photo"</label>
                <input
                    id="own-photo"
                    type="file"
                    accept="image/jpeg,image/png,image/webp"
                    on:change=on_file
                />
                {move || own_name.get().map(|name| format!("{name} (not in the link)"))}
            </span>
            <label for="start-penalty" hidden=from_noise>
                "Stay close (penalty)"
            </label>
            <input
                id="start-penalty"
                type="number"
                min="0"
                max="100000"
                step="0.5"
                hidden=from_noise
                prop:value=penalty
                on:change=move |ev| {
                    if let Ok(p) = event_target_value(&ev).parse::<f32>() {
                        ctl.with_value(|c| c.change(|r| r.start = r.start.with_penalty(p)))
                    }
                }
            />
            <Explain explanation=explain::START />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_names_its_start_and_keeps_the_penalty() {
        for start in [
            Start::Noise,
            Start::Pool {
                photo: "chelsea.png".into(),
                penalty: 3.0,
            },
            Start::Own { penalty: 3.0 },
        ] {
            assert_eq!(chosen(&choice(&start), 3.0), start);
        }
    }
}
