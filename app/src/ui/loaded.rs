//! Tells the page's scripts that the page has downloaded what it needs (app/register-sw.js waits
//! for this before the service worker downloads the same files into its cache).

use leptos::prelude::window;
use web_sys::CustomEvent;

pub fn announce_loaded() {
    if let Ok(event) = CustomEvent::new("basis-loaded") {
        let _ = window().dispatch_event(&event);
    }
}
