//! Browser entry point: hydrates the page the server rendered.
#![recursion_limit = "256"]

/// Called by the generated JavaScript once the WebAssembly module is loaded.
/// Pages are lazy routes: hydration waits for the chunk of the page shown
/// (already preloaded by the page's `<head>`), then marks the document.
#[cfg(not(feature = "islands"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = leptos::prelude::document().body() else {
        return;
    };
    // hydrate_from_async sets up wasm-bindgen's executor for Leptos first thing.
    wasm_bindgen_futures::spawn_local(async move {
        if !load_texts().await {
            return;
        }
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        app::time::remember_browser_zone();
        // Lets tests (and styles) tell a hydrated page from server-rendered HTML.
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}

/// With islands, only the parts a person acts on are hydrated, each on its
/// own; the rest of the page stays the HTML the server rendered. The page's
/// loader script (`app::islands::IslandScripts`) awaits this, then hydrates
/// each island and marks the document.
#[cfg(feature = "islands")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn hydrate() -> Result<(), wasm_bindgen::JsValue> {
    console_error_panic_hook::set_once();
    if !load_texts().await {
        return Err("the page's texts did not load".into());
    }
    leptos::mount::hydrate_islands();
    app::time::remember_browser_zone();
    Ok(())
}

/// The texts of the page's language, which come as a file of their own.
/// Without them the page stays as the server rendered it: links and forms
/// still work, without the interactive parts.
async fn load_texts() -> bool {
    let lang = leptos::prelude::document()
        .document_element()
        .and_then(|root| root.get_attribute("lang"))
        .and_then(|tag| app::i18n::Lang::from_tag(&tag))
        .unwrap_or_default();
    match app::i18n::texts::load(lang).await {
        Ok(()) => true,
        Err(error) => {
            leptos::logging::error!("{error}");
            false
        }
    }
}
