//! The doctor's public profile (`/doctor/profile`): specialty, contact,
//! languages and presentation, and the consultation types their weekly
//! hours offer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::accounts::list_specialties;
use crate::api::calendar_admin::{SaveProfile, ScheduleSettings, my_schedule};
use crate::components::forms::ErrorBanner;
use crate::components::sched::{CARD, INPUT, PRIMARY, kind_label};
use crate::i18n::{Lang, use_i18n};

const LABEL: &str = "block space-y-1 text-sm font-medium text-slate-700";

/// `/doctor/profile`.
#[component]
pub fn DoctorProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let schedule = Resource::new(|| (), |_| my_schedule());
    let specialties = Resource::new(|| (), |_| list_specialties());
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.u.nav_profile)}</h1>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match schedule.await {
                    Ok(s) => {
                        let specialties = specialties.await.unwrap_or_default();
                        view! { <Offered s=s.clone() /> <Profile s specialties /> }.into_any()
                    }
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The consultation types the weekly hours offer (set in the calendar).
#[component]
fn Offered(s: ScheduleSettings) -> impl IntoView {
    let i18n = use_i18n();
    let mut kinds: Vec<String> = s
        .ranges
        .iter()
        .map(|r| r.consultation_type.clone())
        .collect();
    kinds.sort();
    kinds.dedup();
    view! {
        <section class=format!("mt-4 {CARD}") data-testid="offered-types">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.type_label)}</h2>
            <p class="mt-1 text-sm text-slate-700">
                {if kinds.is_empty() {
                    view! { <span>{move || i18n.t(|t| t.s.ranges_empty)}</span> }.into_any()
                } else {
                    kinds.into_iter().map(|k| view! { <span class="mr-2 rounded-full bg-teal-50 px-2 py-0.5 text-teal-900">{move || kind_label(i18n.tr().s, &k)}</span> }).collect_view().into_any()
                }}
            </p>
            <A href="/doctor/calendar" attr:class="mt-2 inline-block text-sm text-teal-700 underline">{move || i18n.t(|t| t.s.nav_calendar)}</A>
        </section>
    }
}

/// The profile's form; it stays as typed once saved.
#[island(lazy)]
fn Profile(s: ScheduleSettings, specialties: Vec<domain::accounts::Specialty>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveProfile>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let saved = move || matches!(action.value().get(), Some(Ok(_)));
    let current = s.specialty.clone().unwrap_or_default();
    view! {
        <section class=format!("mt-6 {CARD}")>
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.profile_title)}</h2>
            <ActionForm action attr:class="mt-3 grid gap-3 sm:grid-cols-2">
                <div class="sm:col-span-2"><ErrorBanner error /></div>
                <label class=LABEL><span>{move || i18n.t(|t| t.specialty_label)}</span>
                    <select name="specialty" class=INPUT>
                        <option value="">{move || i18n.t(|t| t.no_specialty)}</option>
                        {specialties.into_iter().map(|sp| {
                            let selected = sp.code == current;
                            view! { <option value=sp.code.clone() selected=selected>{move || if i18n.lang() == Lang::Fr { sp.name_fr.clone() } else { sp.name_en.clone() }}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.phone_label)}</span><input name="phone" value=s.phone.clone() class=INPUT /></label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.address_label)}</span><input name="address" value=s.address.clone() class=INPUT /></label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.languages_label)}</span>
                    <input name="languages" value=s.languages.clone() class=INPUT />
                    <span class="text-xs font-normal text-slate-500">{move || i18n.t(|t| t.s.languages_hint)}</span>
                </label>
                <label class=format!("{LABEL} sm:col-span-2")><span>{move || i18n.t(|t| t.s.bio_label)}</span>
                    <textarea name="bio" rows="3" class=INPUT>{s.bio.clone()}</textarea>
                </label>
                <div class="flex items-center gap-3 sm:col-span-2">
                    <button type="submit" class=PRIMARY>{move || i18n.t(|t| t.s.save)}</button>
                    <Show when=saved><span role="status" class="text-sm text-teal-800">{move || i18n.t(|t| t.s.saved)}</span></Show>
                </div>
            </ActionForm>
        </section>
    }
}
