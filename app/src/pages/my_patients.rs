//! The doctor's patients (their care relationships) and a patient's medical
//! file, read-only. A doctor outside the care team is refused and may open
//! emergency access ("break the glass") with a reason.

use domain::care::CareRelationship;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::care_team::EmptyMedical;
use super::treatments::{Treatments, TreatmentsSection};
use crate::api::medical::{BreakGlass, care_relationships, emergency_until, read_medical_profile};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL, ProfileView, Relationship};
use crate::components::sched::{CARD, INPUT, PRIMARY};
use crate::i18n::use_i18n;

/// `/doctor/patients`.
#[component]
pub fn MyPatientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| care_relationships(true));
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.m.patients_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.m.patients_intro)}</p>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => {
                        let (running, ended): (Vec<_>, Vec<_>) = list.into_iter().partition(CareRelationship::is_active);
                        view! { <PatientLists running ended /> }.into_any()
                    }
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PatientLists(running: Vec<CareRelationship>, ended: Vec<CareRelationship>) -> impl IntoView {
    let i18n = use_i18n();
    let running_view = if running.is_empty() {
        view! { <div class="mt-4"><EmptyMedical text=|m| m.patients_empty /></div> }.into_any()
    } else {
        view! {
            <ul class=format!("mt-4 divide-y divide-slate-100 {CARD}") data-testid="my-patients">
                {running.into_iter().map(|r| {
                    let href = format!("/doctor/patients/{}", r.patient_id);
                    view! {
                        <Relationship r show_doctor=false show_patient=true detail=String::new()>
                            <A href=href attr:class=PRIMARY attr:data-testid="open-file">{move || i18n.t(|t| t.m.open_file)}</A>
                        </Relationship>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let has_ended = !ended.is_empty();
    view! {
        {running_view}
        {has_ended.then(|| view! {
            <section class=format!("mt-6 {CARD}")>
                <h2 class="text-lg font-semibold text-slate-600">{move || i18n.t(|t| t.m.former_patients)}</h2>
                <ul class="mt-2 divide-y divide-slate-100 text-slate-600" data-testid="former-patients">
                    {ended.into_iter().map(|r| view! { <Relationship r show_doctor=false show_patient=true detail=String::new() /> }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// `/doctor/patients/:id`.
#[component]
pub fn PatientFilePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let profile = Resource::new(id, |id| read_medical_profile(Some(id)));
    // The doctor's running relationships: the patient's name, and whether a
    // readable file is read under emergency access rather than as carer.
    let team = Resource::new(|| (), |_| care_relationships(false));
    let until = Resource::new(id, emergency_until);
    // Made here, before the Suspense that shows it (see `Treatments`).
    let treatments = Treatments::new(Signal::derive(move || Some(id())));
    view! {
        <A href="/doctor/patients" attr:class="text-sm text-teal-700 underline">{move || i18n.t(|t| t.m.back_to_patients)}</A>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                let patient_id = id();
                let mine = team.await.unwrap_or_default();
                let carer = mine.iter().find(|r| r.patient_id == patient_id);
                let name = carer.map_or_else(
                    || format!("{} {patient_id}", i18n.tr().m.patient_number),
                    |r| r.patient_name.clone(),
                );
                let in_care = carer.is_some();
                let until_ms = until.await.ok().flatten();
                match profile.await {
                    Ok(p) => view! {
                        <h1 class="mt-2 text-2xl font-bold" data-testid="patient-name">{name}</h1>
                        <p class="text-slate-600">{move || i18n.t(|t| t.m.file_title)}</p>
                        {(!in_care).then(|| view! { <EmergencyBanner until=until_ms /> })}
                        <A href=format!("/doctor/patients/{patient_id}/vitals") attr:class=format!("mt-3 inline-block {PRIMARY}") attr:data-testid="open-vitals">
                            {move || i18n.t(|t| t.v.open_vitals)}
                        </A>
                        <div class="mt-4"><ProfileView profile=p /></div>
                        <section class="mt-6" data-testid="patient-treatments">
                            <h2 class="text-xl font-semibold">{move || i18n.t(|t| t.m.treatments_section)}</h2>
                            <TreatmentsSection data=treatments />
                        </section>
                    }.into_any(),
                    Err(err) if err.code == "permission_denied" => view! {
                        <h1 class="mt-2 text-2xl font-bold" data-testid="patient-name">{name}</h1>
                        <BreakGlassForm patient_id />
                    }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The file is read under emergency access: say so, and until when.
#[component]
fn EmergencyBanner(until: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p role="status" data-testid="emergency-access" class="mt-3 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900">
            <span class="mr-2 rounded-full bg-amber-200 px-2 py-0.5 text-xs font-semibold">{move || i18n.t(|t| t.m.emergency_badge)}</span>
            {move || i18n.t(|t| t.m.emergency_banner)}
            {move || until.map(|at| format!(" {} {}.", i18n.t(|t| t.m.emergency_until), i18n.moment_ms(at)))}
        </p>
    }
}

/// A doctor outside the care team says why they open the file in an
/// emergency; once granted, the page is loaded again.
#[island(lazy)]
fn BreakGlassForm(patient_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let glass = ServerAction::<BreakGlass>::new();
    crate::islands::reload_after(glass);
    let error = Signal::derive(move || glass.value().get().and_then(Result::err));
    let general =
        Signal::derive(move || error.get().filter(|e| e.field.as_deref() != Some("reason")));
    view! {
        <div role="alert" data-testid="access-refused" data-error-code="permission_denied"
            class="mt-4 rounded-2xl border border-red-200 bg-red-50 p-5 text-red-900">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.m.refused_title)}</h2>
            <p class="mt-1 text-sm">{move || i18n.t(|t| t.m.refused_text)}</p>
        </div>
        <ActionForm action=glass attr:class=format!("mt-4 space-y-3 {CARD}") attr:data-testid="break-glass-form">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.m.break_glass_title)}</h2>
            <ErrorBanner error=general />
            <input type="hidden" name="patient_id" value=patient_id.to_string() />
            <label class=LABEL><span>{move || i18n.t(|t| t.m.break_glass_reason)}</span>
                <textarea id="reason" name="reason" rows="3" minlength="10" maxlength="500" required class=INPUT></textarea>
                <span class="text-xs font-normal text-slate-500">{move || i18n.t(|t| t.m.break_glass_hint)}</span>
                <FieldError name="reason" error />
            </label>
            <button type="submit" class="rounded-lg bg-amber-600 px-4 py-2 font-semibold text-white hover:bg-amber-700 disabled:opacity-60"
                data-testid="break-glass-submit" disabled=move || glass.pending().get()>
                {move || i18n.t(|t| t.m.break_glass_submit)}
            </button>
        </ActionForm>
    }
}
