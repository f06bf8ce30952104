//! The engine's Web Worker: everything heavy happens here, off the page's thread.

fn main() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(basis_app::engine::run());
}
