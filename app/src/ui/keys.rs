//! Keyboard shortcuts for a classroom: ← → change neuron, space pauses, r re-rolls. They give way
//! whenever focus is in a form control, which needs those keys itself, and space and r can be
//! turned off (a single character key can be hit by a screen reader's or voice control's keys).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};

use super::ControllerRef;

/// Elements whose own keyboard behaviour a shortcut must not steal.
const FORM_CONTROLS: [&str; 6] = ["INPUT", "SELECT", "TEXTAREA", "BUTTON", "OPTION", "SUMMARY"];

pub fn is_form_control(tag: &str) -> bool {
    FORM_CONTROLS.contains(&tag.to_ascii_uppercase().as_str())
}

fn in_form_control(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|target| target.dyn_into::<Element>().ok())
        .is_some_and(|element| {
            is_form_control(&element.tag_name())
                || element
                    .closest("[contenteditable]")
                    .ok()
                    .flatten()
                    .is_some()
        })
}

pub fn install(ctl: ControllerRef) {
    let _ = window_event_listener(ev::keydown, move |event| {
        let ready = ctl.with_value(|c| c.state.ready_untracked());
        if !ready
            || in_form_control(&event)
            || event.ctrl_key()
            || event.meta_key()
            || event.alt_key()
        {
            return;
        }
        let single_keys = ctl.with_value(|c| c.state.single_keys.get_untracked());
        match event.key().as_str() {
            "ArrowLeft" => ctl.with_value(|c| super::controls::step_channel(c, -1)),
            "ArrowRight" => ctl.with_value(|c| super::controls::step_channel(c, 1)),
            " " if single_keys => ctl.with_value(|c| c.toggle_pause()),
            "r" | "R" if single_keys => ctl.with_value(|c| super::controls::reroll(c)),
            _ => return,
        }
        event.prevent_default();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_controls_keep_their_keys() {
        for tag in ["input", "SELECT", "textarea", "BUTTON", "summary"] {
            assert!(is_form_control(tag), "{tag}");
        }
        for tag in ["CANVAS", "BODY", "MAIN", "DIV"] {
            assert!(!is_form_control(tag), "{tag}");
        }
    }
}
