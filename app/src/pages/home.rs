//! The public landing page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::forms::Text;
use crate::i18n::use_i18n;

const FEATURES: [(Text, Text); 3] = [
    (|t| t.feature_booking_title, |t| t.feature_booking_text),
    (|t| t.feature_vitals_title, |t| t.feature_vitals_text),
    (|t| t.feature_assistant_title, |t| t.feature_assistant_text),
];

/// Landing page: what the platform does, and the way in.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="bg-gradient-to-b from-teal-50 to-white">
            <div class="mx-auto max-w-6xl px-4 py-16 sm:py-24">
                <h1 data-testid="hero-title" class="max-w-3xl text-3xl font-bold tracking-tight text-slate-900 sm:text-5xl">
                    {move || i18n.t(|t| t.hero_title)}
                </h1>
                <p class="mt-6 max-w-2xl text-lg text-slate-600">{move || i18n.t(|t| t.hero_text)}</p>
                <div class="mt-8 flex flex-wrap gap-3">
                    <A href="/signup" attr:class="rounded-lg bg-teal-700 px-5 py-3 font-semibold text-white shadow hover:bg-teal-800">
                        {move || i18n.t(|t| t.sign_up)}
                    </A>
                    <A href="/login" attr:class="rounded-lg border border-slate-300 bg-white px-5 py-3 font-semibold text-slate-800 hover:bg-slate-50">
                        {move || i18n.t(|t| t.sign_in)}
                    </A>
                </div>
            </div>
        </section>
        <section class="mx-auto grid max-w-6xl gap-6 px-4 py-12 md:grid-cols-3">
            {FEATURES.iter().map(|(title, text)| view! {
                <article class="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
                    <h2 class="text-lg font-semibold text-slate-900">{move || i18n.t(*title)}</h2>
                    <p class="mt-2 text-slate-600">{move || i18n.t(*text)}</p>
                </article>
            }).collect_view()}
        </section>
    }
}
