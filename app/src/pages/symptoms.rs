//! `/patient/symptoms`: the symptom checker. The questionnaire, then the
//! answer: the likeliest conditions as bars, how soon to see someone (the
//! emergency numbers first when a red flag is raised), the notice that this
//! is not a diagnosis, and a button to the doctors of the suggested
//! specialty.

use domain::symptoms::check::{SymptomAnswer, Urgency};
use leptos::prelude::*;

use crate::api::clinical::CheckSymptoms;
use crate::api::records::{AttachCheck, list_records};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL};
use crate::components::meters::Bar;
use crate::components::sched::{CARD, INPUT, PRIMARY, SECONDARY};
use crate::i18n::{Lang, use_i18n};
use domain::consultations::ConsultationStatus;

/// `/patient/symptoms`.
#[component]
pub fn SymptomsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.m.symptoms_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.m.symptoms_intro)}</p>
        <p class="mt-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900">{move || i18n.t(|t| t.m.symptoms_emergency_hint)}</p>
        <SymptomsChecker />
    }
}

/// The symptoms' form and its answer, which may be attached to a record.
#[island(lazy)]
fn SymptomsChecker() -> impl IntoView {
    let i18n = use_i18n();
    let check = ServerAction::<CheckSymptoms>::new();
    let error = Signal::derive(move || check.value().get().and_then(Result::err));
    let general = Signal::derive(move || {
        error
            .get()
            .filter(|e| e.field.as_deref() != Some("temperature"))
    });
    let answer = move || check.value().get().and_then(Result::ok);
    let tick = move |name: &'static str, label: fn(&crate::i18n::Medical) -> &'static str| {
        view! {
            <label class="flex items-center gap-2 text-sm font-medium text-slate-700">
                <input type="checkbox" name=name id=name value="on" class="h-4 w-4" />
                <span>{move || label(i18n.tr().m)}</span>
            </label>
        }
    };
    view! {
        <ActionForm action=check attr:class=format!("mt-4 grid gap-4 sm:grid-cols-2 {CARD}") attr:data-testid="symptoms-form">
            <div class="sm:col-span-2"><ErrorBanner error=general /></div>
            <input type="hidden" name="lang" value=move || i18n.lang().tag() />
            <fieldset class="space-y-2 sm:col-span-2">
                <legend class="text-sm font-semibold">{move || i18n.t(|t| t.m.symptoms_question)}</legend>
                {tick("fever", |m| m.symptom_fever)}
                {tick("cough", |m| m.symptom_cough)}
                {tick("fatigue", |m| m.symptom_fatigue)}
                {tick("difficulty_breathing", |m| m.symptom_breathing)}
                {tick("chest_pain", |m| m.symptom_chest_pain)}
            </fieldset>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.blood_pressure_label)}</span>
                <select name="blood_pressure" class=INPUT>
                    <option value="">{move || i18n.t(|t| t.m.from_profile)}</option>
                    <option value="low">{move || i18n.t(|t| t.m.level_low)}</option>
                    <option value="normal">{move || i18n.t(|t| t.m.level_normal)}</option>
                    <option value="high">{move || i18n.t(|t| t.m.level_high)}</option>
                </select>
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.temperature_label)}</span>
                <input name="temperature" id="temperature" inputmode="decimal" placeholder="38,5" class=INPUT />
                <FieldError name="temperature" error />
            </label>
            <label class=format!("{LABEL} sm:col-span-2")><span>{move || i18n.t(|t| t.m.symptoms_other_label)}</span>
                <textarea name="other" id="other" rows="2" maxlength="1000" class=INPUT></textarea>
            </label>
            <div class="sm:col-span-2">
                <button type="submit" class=PRIMARY data-testid="check-symptoms" disabled=move || check.pending().get()>
                    {move || i18n.t(|t| t.m.check_symptoms)}
                </button>
            </div>
        </ActionForm>
        {move || answer().map(|a| view! { <Answer a /> })}
    }
}

fn urgency_text(lang: Lang, urgency: Urgency) -> &'static str {
    let m = lang.tr().m;
    match urgency {
        Urgency::Emergency => m.urgency_emergency,
        Urgency::Urgent => m.urgency_urgent,
        Urgency::Consult => m.urgency_consult,
        Urgency::SelfCare => m.urgency_self_care,
    }
}

#[component]
fn Answer(a: SymptomAnswer) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let emergency = a.urgency == Urgency::Emergency;
    let banner = if emergency {
        "border-red-300 bg-red-50 text-red-900"
    } else {
        "border-teal-200 bg-teal-50 text-teal-900"
    };
    let search = format!("/patient/doctors?specialty={}", a.specialty.code);
    view! {
        <section class=format!("mt-4 {CARD}") data-testid="symptoms-answer" data-urgency=a.urgency.as_str()>
            <div role=if emergency { "alert" } else { "status" } class=format!("rounded-xl border p-4 {banner}")>
                <p class="font-semibold" data-testid="urgency">{urgency_text(lang, a.urgency)}</p>
                {emergency.then(|| view! {
                    <p class="mt-2 flex gap-3">
                        {a.emergency_numbers.iter().map(|n| view! {
                            <a href=format!("tel:{n}") class="rounded-lg bg-red-700 px-4 py-2 text-lg font-bold text-white" data-testid="emergency-number">{n.clone()}</a>
                        }).collect_view()}
                    </p>
                })}
            </div>
            <h2 class="mt-4 text-lg font-semibold">{move || i18n.t(|t| t.m.likely_title)}</h2>
            <ul class="mt-2 space-y-3" data-testid="likely">
                {a.top.iter().map(|l| {
                    let percent = (l.probability * 100.0).round() as i64;
                    view! {
                        <li>
                            <div class="flex justify-between text-sm">
                                <span class="font-medium">{l.label.clone()}</span>
                                <span>{format!("{percent} %")}</span>
                            </div>
                            <Bar fraction=l.probability label=format!("{} {percent} %", l.label) height="h-3" />
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="mt-4 text-sm italic text-slate-600" data-testid="notice">{a.notice.clone()}</p>
            <p class="mt-4 text-sm">{move || i18n.t(|t| t.m.see_specialty)} " " <strong>{a.specialty.name.clone()}</strong></p>
            <a href=search class=format!("mt-2 inline-block {PRIMARY}") data-testid="find-specialist">
                {move || i18n.t(|t| t.m.find_specialist)}
            </a>
            <p class="mt-3 text-xs text-slate-500">{move || i18n.t(|t| t.m.model_version)} " " {a.model_version.clone()}</p>
            <AttachToRecord check_id=a.check_id />
        </section>
    }
}

/// Attaches the check to one of the patient's records in preparation, for
/// the doctor.
#[component]
fn AttachToRecord(check_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let attach = ServerAction::<AttachCheck>::new();
    let records = Resource::new(|| (), |_| list_records(None, None));
    let error = Signal::derive(move || attach.value().get().and_then(Result::err));
    let done = move || matches!(attach.value().get(), Some(Ok(_)));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let open: Vec<_> = records.await.unwrap_or_default().into_iter()
                    .filter(|r| matches!(r.status, ConsultationStatus::Draft | ConsultationStatus::Rejected))
                    .collect();
                if open.is_empty() {
                    return view! { <p class="mt-4 text-sm text-slate-500">{move || i18n.t(|t| t.r.no_open_record)}</p> }.into_any();
                }
                view! {
                    <ActionForm action=attach attr:class="mt-4 flex flex-wrap items-end gap-2" attr:data-testid="attach-check">
                        <input type="hidden" name="check_id" value=check_id.to_string() />
                        <label class=LABEL for="consultation_id"><span>{move || i18n.t(|t| t.r.attach_to_record)}</span>
                            <select id="consultation_id" name="consultation_id" class=INPUT>
                                {open.into_iter().map(|r| view! {
                                    <option value=r.id.to_string()>{format!("n° {} — Dr {} — {}", r.id, r.doctor.name, r.reason.unwrap_or_default())}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <button type="submit" class=SECONDARY data-testid="attach-check-submit">{move || i18n.t(|t| t.r.attach)}</button>
                        <ErrorBanner error />
                        <Show when=done><span role="status" class="text-sm text-teal-800" data-testid="check-attached">{move || i18n.t(|t| t.r.attached)}</span></Show>
                    </ActionForm>
                }.into_any()
            })}
        </Transition>
    }
}
