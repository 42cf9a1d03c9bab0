//! Browser entry point: hydrates the page the server rendered.
#![recursion_limit = "256"]

/// Called by the generated JavaScript once the WebAssembly module is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets tests (and styles) tell a hydrated page from server-rendered HTML.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}
