//! A choice the user makes once and finds again on the next visit (localStorage; a browser
//! without it keeps the choice for this visit only).

use leptos::prelude::*;

/// One yes-or-no preference, stored under `key` when it differs from its default.
#[derive(Clone, Copy)]
pub struct Preference {
    key: &'static str,
    default: bool,
}

/// Keep the user's photos in this browser for the next visits (off by default).
pub const KEEP_PHOTOS: Preference = Preference {
    key: "basis-keep-photos",
    default: false,
};

/// Space and r work as shortcuts (on by default; WCAG 2.1.4 lets the user turn them off).
pub const SINGLE_KEYS: Preference = Preference {
    key: "basis-single-keys-off",
    default: true,
};

impl Preference {
    fn storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    pub fn get(self) -> bool {
        let stored = Self::storage()
            .and_then(|s| s.get_item(self.key).ok().flatten())
            .is_some();
        stored != self.default
    }

    pub fn set(self, on: bool) {
        if let Some(storage) = Self::storage() {
            let _ = if on != self.default {
                storage.set_item(self.key, "1")
            } else {
                storage.remove_item(self.key)
            };
        }
    }
}
