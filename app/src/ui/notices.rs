//! What the single view tells the user about itself: problems, and a page that is not a secure
//! context.

use leptos::prelude::*;

use super::state::State;

#[component]
pub fn Message() -> impl IntoView {
    let state = expect_context::<State>();
    view! {
        <p class="message" role="alert" hidden=move || state.message.with(Option::is_none)>
            {move || state.message.get().unwrap_or_default()}
        </p>
    }
}

/// Shown when the page came over plain http from another machine.
#[component]
pub fn InsecureNotice() -> impl IntoView {
    let insecure = !window().is_secure_context();
    view! {
        <p id="insecure" class="message" hidden=!insecure>
            "This page was opened over plain http from another computer, so the browser turns off "
            "WebGPU and copying to the clipboard: both need a secure page. Basis still works, on "
            "the CPU. To fix it, serve the page over https, or open it as http://localhost on the "
            "computer that serves it."
        </p>
    }
}
