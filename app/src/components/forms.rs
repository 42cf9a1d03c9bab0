//! Form fields, error banners and buttons.

use leptos::prelude::*;

use crate::error::UiError;
use crate::i18n::{Tr, use_i18n};

/// Picks a string of the interface.
pub type Text = fn(&Tr) -> &'static str;

pub const INPUT_CLASS: &str = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 \
    shadow-sm focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30";

/// A labelled text input.
#[component]
pub fn TextField(
    /// The input's name (and id): the server function argument it fills.
    name: &'static str,
    label: Text,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="block space-y-1" for=name>
            <span class="text-sm font-medium text-slate-700">{move || i18n.t(label)}</span>
            <input id=name name=name type=kind autocomplete=autocomplete required=required class=INPUT_CLASS />
        </label>
    }
}

/// A password input with a show/hide toggle (which needs the page hydrated).
#[component]
pub fn PasswordField(
    name: &'static str,
    label: Text,
    #[prop(default = "current-password")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<Text>,
) -> impl IntoView {
    let i18n = use_i18n();
    let visible = RwSignal::new(false);
    view! {
        <label class="block space-y-1" for=name>
            <span class="text-sm font-medium text-slate-700">{move || i18n.t(label)}</span>
            <div class="flex gap-2">
                <input
                    id=name
                    name=name
                    type=move || if visible.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    required
                    class=INPUT_CLASS
                />
                <button
                    type="button"
                    data-testid=format!("toggle-{name}")
                    aria-pressed=move || visible.get().to_string()
                    class="shrink-0 rounded-lg border border-slate-300 px-3 text-sm text-slate-600 hover:bg-slate-100"
                    on:click=move |_| visible.update(|v| *v = !*v)
                >
                    {move || if visible.get() { i18n.t(|t| t.hide_password) } else { i18n.t(|t| t.show_password) }}
                </button>
            </div>
            {hint.map(|hint| view! { <span class="text-xs text-slate-500">{move || i18n.t(hint)}</span> })}
        </label>
    }
}

/// An error message, translated, shown when `error` holds one.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<UiError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|err| {
            view! {
                <p role="alert" data-error-code=err.code.clone() class="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
                    {err.message(i18n.tr())}
                </p>
            }
        })
    }
}

/// A primary submit button that shows `busy_label` while `busy`.
#[component]
pub fn SubmitButton(
    label: Text,
    busy_label: Text,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="submit"
            disabled=move || busy.get()
            class="w-full rounded-lg bg-teal-700 px-4 py-2 font-semibold text-white shadow hover:bg-teal-800 disabled:opacity-60"
        >
            {move || if busy.get() { i18n.t(busy_label) } else { i18n.t(label) }}
        </button>
    }
}
