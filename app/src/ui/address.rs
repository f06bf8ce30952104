//! The address bar follows the recipe, but not on every slider event: writes wait until the
//! controls have been still for a moment, and only the last one lands.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

const QUIET: Duration = Duration::from_millis(250);

#[derive(Clone, Default)]
pub struct AddressBar {
    pending: Rc<RefCell<Option<TimeoutHandle>>>,
}

impl AddressBar {
    /// Replaces the fragment (without `#`) once nothing newer arrived for [`QUIET`].
    pub fn write(&self, fragment: String) {
        if let Some(previous) = self.pending.borrow_mut().take() {
            previous.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let _ = window().history().and_then(|history| {
                    history.replace_state_with_url(
                        &JsValue::NULL,
                        "",
                        Some(&format!("#{fragment}")),
                    )
                });
            },
            QUIET,
        );
        *self.pending.borrow_mut() = handle.ok();
    }
}

/// The page's address with this fragment, as a link to share.
pub fn link_to(fragment: &str) -> String {
    let location = window().location();
    format!(
        "{}{}#{fragment}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    )
}
