//! One wasm module for both sides: the page mounts the Leptos app and starts a module worker that
//! loads this same (already cached) module, where `main` runs the engine instead.

fn main() {
    console_error_panic_hook::set_once();
    if web_sys::window().is_some() {
        leptos::mount::mount_to_body(basis_app::ui::App);
    } else {
        wasm_bindgen_futures::spawn_local(basis_app::engine::run());
    }
}
