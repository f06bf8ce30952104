//! The page's entry point: mounts the Leptos app; the engine runs in the `worker` binary.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(basis_app::ui::App);
}
