//! Browser entry point: hydrates the page the server rendered.
#![recursion_limit = "256"]

/// Called by the generated JavaScript once the WebAssembly module is loaded.
/// Pages are lazy routes: hydration waits for the chunk of the page shown
/// (already preloaded by the page's `<head>`), then marks the document.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = leptos::prelude::document().body() else {
        return;
    };
    // hydrate_from_async sets up wasm-bindgen's executor for Leptos first thing.
    wasm_bindgen_futures::spawn_local(async move {
        // The texts of the page's language come as a file of their own.
        let lang = leptos::prelude::document()
            .document_element()
            .and_then(|root| root.get_attribute("lang"))
            .and_then(|tag| app::i18n::Lang::from_tag(&tag))
            .unwrap_or_default();
        if let Err(error) = app::i18n::texts::load(lang).await {
            // Without texts the page stays as the server rendered it: links
            // and forms still work, without the interactive parts.
            leptos::logging::error!("{error}");
            return;
        }
        let app = leptos::mount::hydrate_from_async(body, app::App).await;
        app.forget();
        app::time::remember_browser_zone();
        // Lets tests (and styles) tell a hydrated page from server-rendered HTML.
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}
