//! Sharing: the link to this exact image, and the image itself as PNG.

use leptos::prelude::*;

use super::state::State;
use super::{Ctl, hidden};

#[component]
pub fn Share() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<Ctl>();
    view! {
        <fieldset
            class="controls"
            data-control="share"
            hidden=hidden("share")
            prop:disabled=move || !state.ready()
        >
            <legend>"Share"</legend>
            <div class="control">
                <button id="copy-link" on:click=move |_| ctl.with_value(|c| c.copy_link())>
                    "Copy link"
                </button>
                <button id="download" on:click=move |_| ctl.with_value(|c| c.download())>
                    "Download PNG"
                </button>
                <span id="share-note" class="hint">
                    {move || state.share_note.get().unwrap_or_default()}
                </span>
            </div>
            <input
                id="manual-link"
                type="text"
                readonly
                class="manual-link"
                hidden=move || state.manual_link.with(Option::is_none)
                prop:value=move || state.manual_link.get().unwrap_or_default()
            />
        </fieldset>
    }
}
