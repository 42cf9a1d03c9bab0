//! The one confirmation every destructive action goes through: the button
//! opens a small dialog that names what will be lost; nothing happens until
//! the second, explicit choice.

use leptos::prelude::*;

use crate::components::sched::{DANGER, SECONDARY};
use crate::i18n::{Tr, use_i18n};

/// A text picked from the reader's language.
pub type Text = fn(&Tr) -> &'static str;

/// A destructive button asking first. `what` names the thing at stake
/// ("mar. 08/12 14:30 — Dr Dupont"); `confirm` runs only on the explicit yes.
#[component]
pub fn ConfirmButton(
    /// The button's label.
    label: Text,
    /// The question asked ("Annuler ce rendez-vous ?").
    question: Text,
    /// The label of the yes.
    yes: Text,
    /// `data-testid` of the button; the dialog's yes is `<testid>-confirm`.
    testid: &'static str,
    /// What will be lost, in words.
    #[prop(optional, into)]
    what: Option<Signal<String>>,
    /// Runs on the yes.
    confirm: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    view! {
        <Show when=move || asking.get() fallback=move || view! {
            <button type="button" class=DANGER data-testid=testid on:click=move |_| asking.set(true)>
                {move || label(i18n.tr())}
            </button>
        }>
            <div role="alertdialog" aria-modal="false" data-testid=format!("{testid}-question")
                class="flex w-full flex-wrap items-center gap-2 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-950">
                <p class="basis-full">
                    <strong>{move || question(i18n.tr())}</strong>
                    {what.map(|w| view! { <span class="block text-red-900">{move || w.get()}</span> })}
                </p>
                <button type="button" class="min-h-11 rounded-lg bg-red-700 px-3 py-1.5 font-semibold text-white hover:bg-red-800"
                    data-testid=format!("{testid}-confirm")
                    on:click=move |_| { asking.set(false); confirm.run(()); }>
                    {move || yes(i18n.tr())}
                </button>
                <button type="button" class=format!("min-h-11 bg-white {SECONDARY}") data-testid=format!("{testid}-keep")
                    on:click=move |_| asking.set(false)>
                    {move || i18n.t(|t| t.u.keep)}
                </button>
            </div>
        </Show>
    }
}

/// What a [`RemoveButton`] removes: each names its texts, its `data-testid`
/// and the server function removing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Removal {
    Treatment,
    Specialty,
    WeeklyRange,
    TimeOff,
}

impl Removal {
    fn testid(self) -> &'static str {
        match self {
            Self::Treatment => "delete-treatment",
            Self::Specialty => "delete-specialty",
            Self::WeeklyRange => "delete-range",
            Self::TimeOff => "delete-exception",
        }
    }

    /// The button's label, the question and the yes.
    fn texts(self) -> (Text, Text, Text) {
        match self {
            Self::Treatment => (
                |t| t.m.delete_treatment,
                |t| t.m.delete_treatment_question,
                |t| t.m.delete_treatment_confirm,
            ),
            _ => (|t| t.s.delete, |t| t.u.delete_question, |t| t.u.delete_yes),
        }
    }

    async fn run(self, id: i64) -> Result<(), crate::error::UiError> {
        use crate::api::calendar_admin::{delete_exception, delete_range, delete_specialty};
        match self {
            Self::Treatment => crate::api::clinical::delete_treatment(id).await,
            Self::Specialty => delete_specialty(id).await,
            Self::WeeklyRange => delete_range(id).await,
            Self::TimeOff => delete_exception(id).await,
        }
    }
}

/// Removes one thing after the one confirmation (`what` names it); the page
/// is loaded again once it is gone.
#[island(lazy)]
pub fn RemoveButton(removal: Removal, id: i64, what: String) -> impl IntoView {
    let remove = Action::new(move |(): &()| removal.run(id));
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            crate::islands::reload();
        }
    });
    let (label, question, yes) = removal.texts();
    let error = Signal::derive(move || remove.value().get().and_then(Result::err));
    view! {
        <span class="flex flex-col items-end gap-1">
            <ConfirmButton label question yes testid=removal.testid() what=Signal::stored(what)
                confirm=Callback::new(move |()| { remove.dispatch(()); }) />
            <crate::components::forms::ErrorBanner error />
        </span>
    }
}
