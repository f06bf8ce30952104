//! The end of a class test for a student: the result code to hand in, and where a teacher counts
//! the class's codes. The quiz and predict pages end alike.

use leptos::prelude::*;

/// `code`: the student's result code; `tally`: the tally page's link; `tally_does`: what the
/// tally adds, as a clause after "tally page" (e.g. "; it compares … over the whole class"), or
/// nothing.
#[component]
pub fn HandIn(
    code: String,
    tally: String,
    #[prop(default = "")] tally_does: &'static str,
) -> impl IntoView {
    view! {
        <h3 id="result-code-heading">"Your result code"</h3>
        <p>
            "Hand this code to your teacher. It holds your answers (not your name) and a checksum."
        </p>
        <input
            id="result-code"
            class="result-code"
            type="text"
            aria-labelledby="result-code-heading"
            readonly
            prop:value=code
        />
        <p class="hint">
            "Teachers: count a class's codes on the " <a id="tally-link" href=tally>
                "tally page"
            </a> {tally_does} "."
        </p>
    }
}
