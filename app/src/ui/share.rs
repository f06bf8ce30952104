//! Sharing: the link to this exact image, and the image itself as PNG.

use basis_recipe::Recipe;
use leptos::prelude::*;

use super::state::State;
use super::{ControllerRef, hidden};

#[component]
pub fn Share() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    view! {
        <fieldset
            class="controls"
            data-control="share"
            hidden=hidden("share")
            prop:disabled=move || !state.ready()
        >
            <legend>"Share"</legend>
            <div class="control">
                <button
                    id="copy-link"
                    on:click=move |_| copy_link(state, ctl.with_value(|c| c.link_here()))
                >
                    "Copy link"
                </button>
                <button
                    id="download"
                    on:click=move |_| {
                        let shown = ctl.with_value(|c| c.shown_frame());
                        download(state, shown.map(|(recipe, _, size, rgba)| (recipe, size, rgba)))
                    }
                >
                    "Download PNG"
                </button>
                <span id="share-note" class="hint" role="status">
                    {move || state.share_note.get().unwrap_or_default()}
                </span>
            </div>
            <input
                id="manual-link"
                type="text"
                aria-label="This view's link, to copy by hand"
                readonly
                class="manual-link"
                hidden=move || state.manual_link.with(Option::is_none)
                prop:value=move || state.manual_link.get().unwrap_or_default()
            />
        </fieldset>
    }
}

/// Saves `shown` (recipe, size, RGBA pixels) as a PNG named after its recipe.
pub fn download(state: State, shown: Option<(Recipe, u32, Vec<u8>)>) {
    let Some((recipe, size, rgba)) = shown else {
        state
            .share_note
            .set(Some("There is no image to save yet.".into()));
        return;
    };
    let result = crate::png::encode(size, &rgba)
        .map_err(|error| format!("The PNG could not be made: {error}"))
        .and_then(|png| {
            crate::png::save(&png, &crate::png::file_name(&recipe))
                .map_err(|error| format!("The download failed: {error}"))
        });
    if let Err(message) = result {
        state.message.set(Some(message));
    }
}

/// Copies `link` to the clipboard, or shows it for copying by hand where the page may not.
fn copy_link(state: State, link: String) {
    if !window().is_secure_context() {
        state.share_note.set(Some(
            "Copying needs a secure page (https, or localhost): copy the link below by hand."
                .into(),
        ));
        state.manual_link.set(Some(link));
        return;
    }
    let promise = window().navigator().clipboard().write_text(&link);
    wasm_bindgen_futures::spawn_local(async move {
        let copied = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
        if copied {
            state.share_note.set(Some("Link copied.".into()));
            state.manual_link.set(None);
        } else {
            state.share_note.set(Some(
                "The browser did not allow copying: copy the link below by hand.".into(),
            ));
            state.manual_link.set(Some(link));
        }
    });
}
