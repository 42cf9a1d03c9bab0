//! Browser entry point: hydrates the islands of the page the server rendered.
#![recursion_limit = "256"]

/// Only the parts a person acts on are hydrated (islands), each on its own;
/// the rest of the page stays the HTML the server rendered. The page's loader
/// script (`app::islands::IslandScripts`) awaits this, then hydrates each
/// island and marks the document.
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
