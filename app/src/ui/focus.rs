//! Moving focus to where the work goes on (WCAG 2.4.3), for keyboard and screen-reader users: the
//! first tile once labels are revealed, the tally's summary once codes are counted.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Focuses the first element that matches `selector`, if there is one.
pub fn first(selector: &str) {
    let element = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// [`first`] once the page has drawn what a signal change just asked for.
pub fn first_after_render(selector: &'static str) {
    request_animation_frame(move || first(selector));
}
