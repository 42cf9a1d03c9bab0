//! The page for unknown addresses.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;

/// 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="mx-auto max-w-xl px-4 py-16 text-center">
            <h1 class="text-2xl font-bold text-slate-900">{move || i18n.t(|t| t.not_found_title)}</h1>
            <p class="mt-2 text-slate-600">{move || i18n.t(|t| t.not_found_text)}</p>
            <A href="/" attr:class="mt-6 inline-block text-teal-700 underline">{move || i18n.t(|t| t.back_home)}</A>
        </div>
    }
}
