//! One wasm module for both sides: the page mounts the Leptos app and starts a module worker that
//! loads this same (already cached) module, where `main` runs the engine instead.

// The module has static constructors (cubecl's IR registers its operations through `inventory`).
// Unless the program runs them itself, the linker makes *every* export run them first, so each
// call from JavaScript into the module (each promise callback, each value handed over) ran them
// all again: a fifth of the engine worker's time at 64 px. Running them once, here, stops that.
#[cfg(target_family = "wasm")]
unsafe extern "C" {
    fn __wasm_call_ctors();
}

fn main() {
    // SAFETY: the first thing the module's entry point does, once per instance; the linker adds no
    // call of its own once the program makes one, so the constructors run exactly once.
    #[cfg(target_family = "wasm")]
    unsafe {
        __wasm_call_ctors()
    };
    console_error_panic_hook::set_once();
    if web_sys::window().is_some() {
        leptos::mount::mount_to_body(basis_app::ui::App);
    } else {
        wasm_bindgen_futures::spawn_local(basis_app::engine::run());
    }
}
