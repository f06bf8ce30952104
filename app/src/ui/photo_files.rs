//! The user's photos, from a file picker or dropped on the page, handed to the engine's pool.
//! Nothing leaves the browser.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::ControllerRef;

/// Reads each file and hands it to the engine; the engine checks it (and says why it cannot use
/// it).
fn add_files(ctl: ControllerRef, files: web_sys::FileList) {
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer);
                    ctl.with_value(|c| c.add_photo(name, bytes));
                }
                Err(_) => ctl.with_value(|c| {
                    c.state
                        .message
                        .set(Some(format!("{name} could not be read from the disk.")))
                }),
            }
        });
    }
}

/// A drop target's handler: the dropped files join the pool.
pub fn dropped(ctl: ControllerRef, ev: web_sys::DragEvent) {
    ev.prevent_default();
    if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
        add_files(ctl, files);
    }
}

/// A labelled file picker for photos.
#[component]
pub fn PhotoFiles(id: &'static str, label: &'static str) -> impl IntoView {
    let ctl = expect_context::<ControllerRef>();
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            type="file"
            accept="image/jpeg,image/png,image/webp"
            multiple
            on:change=move |ev| {
                let input = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                if let Some(files) = input.as_ref().and_then(|i| i.files()) {
                    add_files(ctl, files);
                }
                if let Some(input) = input {
                    input.set_value("");
                }
            }
        />
    }
}
