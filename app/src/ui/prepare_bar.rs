//! How far a class test's images are: the steps made of all, and the rounds ready. The quiz and
//! predict pages show it until the end screen.

use leptos::prelude::*;

/// `children`: anything more the page prepares (predict's photo crops).
#[component]
pub fn PrepareBar(
    /// Steps of every job together.
    total_steps: u64,
    #[prop(into)] prepared_steps: Signal<u64>,
    rounds: usize,
    #[prop(into)] rounds_ready: Signal<usize>,
    #[prop(into)] hidden: Signal<bool>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <section class="prepare" hidden=move || hidden.get()>
            <label for="prepare-progress">"Preparing the images: "</label>
            <progress
                id="prepare-progress"
                max=total_steps
                value=move || prepared_steps.get()
            ></progress>
            <span id="rounds-ready">
                {move || format!("{} of {rounds} rounds ready", rounds_ready.get())}
            </span>
            {children.map(|more| more())}
        </section>
    }
}
