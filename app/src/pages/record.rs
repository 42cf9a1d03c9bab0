//! `/patient/consultations/:id` and `/doctor/consultations/:id`: one
//! consultation record. Its sections are steps, saved field by field as the
//! reader goes; errors show under the field they name (the editor opens on
//! that field's step). Then the statuses (send, validate, send back), the
//! readings and symptom check attached, the prescriptions, the addenda and
//! the documents of a validated record, and the thread.

use domain::consultations::{Consultation, ConsultationChanges, ConsultationStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::record_sections::{ExaminationStep, INTAKE_STEPS, IntakeStep, STEPS};
use super::record_thread::{Thread, ThreadData};
use super::treatments::AddForm;
use crate::api::records::{AddAddendum, RecordStep, SaveRecord, read_record};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL};
use crate::components::sched::{CARD, DANGER, INPUT, PRIMARY, SECONDARY};
use crate::components::vitals::{vital_label, vital_value_text};
use crate::error::UiError;
use crate::i18n::{Lang, use_i18n};
use crate::islands::reload_after;

/// A patient's record.
#[component]
pub fn PatientRecordPage() -> impl IntoView {
    view! { <RecordPage doctor=false /> }
}

/// A doctor's record.
#[component]
pub fn DoctorRecordPage() -> impl IntoView {
    view! { <RecordPage doctor=true /> }
}

/// The status in words.
pub fn status_text(lang: Lang, status: ConsultationStatus) -> &'static str {
    let r = lang.tr().r;
    match status {
        ConsultationStatus::Draft => r.status_draft,
        ConsultationStatus::Submitted => r.status_submitted,
        ConsultationStatus::Validated => r.status_validated,
        ConsultationStatus::Rejected => r.status_rejected,
    }
}

/// The badge of a status.
#[component]
pub fn StatusBadge(status: ConsultationStatus) -> impl IntoView {
    let i18n = use_i18n();
    let colour = match status {
        ConsultationStatus::Draft => "bg-slate-100 text-slate-700",
        ConsultationStatus::Submitted => "bg-amber-100 text-amber-900",
        ConsultationStatus::Validated => "bg-teal-100 text-teal-900",
        ConsultationStatus::Rejected => "bg-red-100 text-red-900",
    };
    view! {
        <span class=format!("rounded-full px-2 py-0.5 text-xs font-semibold {colour}") data-testid="record-status" data-status=status.as_str()>
            {move || status_text(i18n.lang(), status)}
        </span>
    }
}

#[component]
fn RecordPage(doctor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let thread = ThreadData::new(id);
    let record = Resource::new(id, read_record);
    view! {
        <Transition fallback=move || view! { <p class="text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(r) => {
                        let other = if doctor {
                            r.patient.name.clone()
                        } else {
                            format!("Dr {}", r.doctor.name)
                        };
                        view! {
                            <Editor r=r.clone() doctor />
                            <Attachments r=r.clone() />
                            <Prescriptions r=r.clone() doctor />
                            <Addenda r=r.clone() doctor />
                            <Thread id=r.id other data=thread />
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The step a field's error belongs to.
fn step_of(field: &str) -> Option<usize> {
    const BY_STEP: &[&[&str]] = &[
        &[
            "reason",
            "illness_history",
            "current_medication",
            "medication_source",
        ],
        &["symptoms", "conditions", "drug_allergies", "family_history"],
        &["tobacco", "alcohol", "physical_activity", "diet"],
        &["concerns", "expectations"],
    ];
    if let Some(name) = field.strip_prefix("intake.") {
        return BY_STEP.iter().position(|names| names.contains(&name));
    }
    let name = field.strip_prefix("examination.")?;
    let exam = name.starts_with("vitals.") || name == "general_state" || name == "regions";
    Some(if exam { INTAKE_STEPS } else { INTAKE_STEPS + 1 })
}

/// The record's steps, saved field by field, and its status actions: a step
/// refused opens the editor on the field named; one done loads the page
/// again.
#[island(lazy)]
fn Editor(r: Consultation, doctor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let step = ServerAction::<RecordStep>::new();
    reload_after(step);
    let id = r.id;
    let status = r.status;
    let open = matches!(
        status,
        ConsultationStatus::Draft | ConsultationStatus::Rejected
    );
    let intake_editable = if doctor { r.editable() } else { open };
    let exam_editable = doctor && r.editable();
    let intake = RwSignal::new(r.intake.clone());
    let exam = RwSignal::new(r.examination.clone());
    let save = ServerAction::<SaveRecord>::new();
    let save_intake = Callback::new(move |_| {
        let changes = ConsultationChanges {
            intake: Some(intake.get_untracked()),
            ..ConsultationChanges::default()
        };
        save.dispatch(SaveRecord { id, changes });
    });
    let save_exam = Callback::new(move |_| {
        let changes = ConsultationChanges {
            examination: Some(exam.get_untracked()),
            ..ConsultationChanges::default()
        };
        save.dispatch(SaveRecord { id, changes });
    });
    let error: Signal<Option<UiError>> = Signal::derive(move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| step.value().get().and_then(Result::err))
    });
    let general = Signal::derive(move || {
        error
            .get()
            .filter(|e| e.field.as_deref().and_then(step_of).is_none())
    });
    let steps = if doctor { STEPS.len() } else { INTAKE_STEPS };
    let current = RwSignal::new(0);
    Effect::new(move |_| {
        let refused = step.value().get().and_then(Result::err);
        if let Some(n) = refused
            .and_then(|e| e.field.as_deref().and_then(step_of))
            .filter(|n| *n < steps)
        {
            current.set(n);
        }
    });
    let lang = i18n.lang();
    let saved = move || match (save.pending().get(), save.value().get()) {
        (true, _) => Some(i18n.t(|t| t.r.saving)),
        (false, Some(Ok(_))) => Some(i18n.t(|t| t.r.saved)),
        _ => None,
    };
    view! {
        <header class="flex flex-wrap items-center gap-3">
            <h1 class="text-2xl font-bold" data-record-id=id>{move || i18n.t(|t| t.r.record_title)}</h1>
            <StatusBadge status />
            <span role="status" class="text-sm text-slate-500" data-testid="save-state">{saved}</span>
        </header>
        <p class="mt-1 text-slate-600">
            {if doctor { format!("{} {}", lang.tr().r.for_patient, r.patient.name) } else { format!("{} {}", lang.tr().r.with_doctor, r.doctor.name) }}
            {r.appointment_starts_at.map(|at| format!(" — {} {}", lang.tr().r.appointment_on, i18n.moment(at)))}
        </p>
        <StatusNote r=r.clone() doctor />
        <div class="mt-3"><ErrorBanner error=general /></div>
        <nav class="mt-4 flex flex-wrap gap-2" aria-label=move || i18n.t(|t| t.r.record_title)>
            {(0..steps).map(|n| view! {
                <button type="button" data-testid=format!("step-{n}")
                    class=move || if current.get() == n { PRIMARY } else { SECONDARY }
                    aria-current=move || (current.get() == n).then_some("step")
                    on:click=move |_| current.set(n)>
                    {format!("{}. ", n + 1)} {move || i18n.t(|t| STEPS[n](t.r))}
                </button>
            }).collect_view()}
        </nav>
        <section class=format!("mt-4 space-y-4 {CARD}") data-testid="record-step">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| STEPS[current.get()](t.r))}</h2>
            {move || {
                let n = current.get();
                if n < INTAKE_STEPS {
                    view! { <IntakeStep step=n intake save=save_intake error editable=intake_editable /> }.into_any()
                } else {
                    view! { <ExaminationStep step=n exam save=save_exam error editable=exam_editable /> }.into_any()
                }
            }}
            <div class="flex justify-between">
                <button type="button" class=SECONDARY disabled=move || current.get() == 0
                    on:click=move |_| current.update(|c| *c = c.saturating_sub(1))>{move || i18n.t(|t| t.r.previous)}</button>
                <button type="button" class=SECONDARY data-testid="next-step" disabled=move || { current.get() + 1 >= steps }
                    on:click=move |_| current.update(|c| *c = (*c + 1).min(steps - 1))>{move || i18n.t(|t| t.r.next)}</button>
            </div>
        </section>
        <Actions status doctor id step />
    }
}

/// What the status means for the reader.
#[component]
fn StatusNote(r: Consultation, doctor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let note = "mt-3 rounded-lg px-3 py-2 text-sm";
    match r.status {
        ConsultationStatus::Rejected => r.rejection_reason.map(|why| view! {
            <p role="alert" class=format!("{note} bg-red-50 text-red-900") data-testid="rejection-reason">
                {move || i18n.t(|t| t.r.rejected_because)} " « " {why} " »"
            </p>
        }.into_any()),
        ConsultationStatus::Submitted if !doctor => Some(view! {
            <p class=format!("{note} bg-amber-50 text-amber-900")>{move || i18n.t(|t| t.r.in_analysis_note)}</p>
        }.into_any()),
        ConsultationStatus::Validated => Some(view! {
            <p class=format!("{note} bg-teal-50 text-teal-900") data-testid="validated-note">
                {r.validated_by.map(|by| format!("{} {}", lang.tr().r.validated_by, by.name))}
                {r.validated_at.map(|at| format!(" — {}. ", i18n.moment(at)))}
                {move || i18n.t(|t| t.r.read_only_note)}
            </p>
        }.into_any()),
        _ => None,
    }
}

/// Send, validate, send back; the documents once validated.
#[component]
fn Actions(
    status: ConsultationStatus,
    doctor: bool,
    id: i64,
    step: ServerAction<RecordStep>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || step.value().get().and_then(Result::err));
    let button = move |name: &'static str,
                       class: &'static str,
                       label: fn(&crate::i18n::Records) -> &'static str| {
        view! {
            <ActionForm action=step>
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="step" value=name />
                <input type="hidden" name="reason" value="" />
                <button type="submit" class=class data-testid=format!("record-{name}") disabled=move || step.pending().get()>
                    {move || i18n.t(|t| label(t.r))}
                </button>
            </ActionForm>
        }
    };
    let open = matches!(
        status,
        ConsultationStatus::Draft | ConsultationStatus::Rejected
    );
    view! {
        <section class="mt-4 flex flex-wrap items-start gap-3" data-testid="record-actions">
            {open.then(|| view! {
                <div>
                    {button("submit", PRIMARY, |r| r.submit)}
                    {(!doctor).then(|| view! { <p class="mt-1 text-xs text-slate-500">{move || i18n.t(|t| t.r.submit_hint)}</p> })}
                </div>
            })}
            {(doctor && status == ConsultationStatus::Submitted).then(|| view! {
                {button("validate", PRIMARY, |r| r.validate)}
                <ActionForm action=step attr:class="flex flex-wrap items-end gap-2" attr:data-testid="reject-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="step" value="reject" />
                    <label class=LABEL for="reject-reason"><span>{move || i18n.t(|t| t.r.reject_reason)}</span>
                        <input id="reject-reason" name="reason" maxlength="500" class=INPUT />
                        <FieldError name="reason" error />
                    </label>
                    <button type="submit" class=DANGER data-testid="record-reject">{move || i18n.t(|t| t.r.reject)}</button>
                </ActionForm>
            })}
            {(status == ConsultationStatus::Validated).then(|| view! {
                <a class=SECONDARY href=format!("/api/v1/consultations/{id}/pdf/?lang={}", i18n.lang().tag()) target="_blank" data-testid="record-pdf">
                    {move || i18n.t(|t| t.r.pdf_record)}
                </a>
            })}
        </section>
    }
}

/// The readings and the symptom check attached.
#[component]
fn Attachments(r: Consultation) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="mt-4 grid gap-4 lg:grid-cols-2">
            <div class=CARD data-testid="recent-vitals">
                <h2 class="font-semibold">{move || i18n.t(|t| t.r.recent_vitals)}</h2>
                {if r.recent_vitals.is_empty() {
                    view! { <p class="mt-2 text-sm text-slate-500">{move || i18n.t(|t| t.r.no_recent_vitals)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-2 space-y-1 text-sm">
                            {r.recent_vitals.into_iter().map(|v| view! {
                                <li><strong>{let code = v.vital.clone(); move || vital_label(i18n.lang(), &code)}</strong> " "
                                    {let code = v.vital.clone(); move || vital_value_text(i18n.lang(), &code, v.value, &v.unit)} <span class="text-slate-500">" — " {i18n.moment(v.measured_at)}</span></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </div>
            {r.symptom_check.map(|c| view! {
                <div class=CARD data-testid="attached-check">
                    <h2 class="font-semibold">{move || i18n.t(|t| t.r.attached_check)}</h2>
                    <p class="mt-2 text-sm">{format!("{} ({:.0} %)", c.prediction, c.confidence * 100.0)} " — " {c.urgency} " — " {c.specialty}</p>
                    <p class="text-xs text-slate-500">{i18n.moment(c.checked_at)} " · " {c.model_version}</p>
                </div>
            })}
        </section>
    }
}

/// Treatments prescribed from the record; the doctor prescribes here.
#[component]
fn Prescriptions(r: Consultation, doctor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = r.id;
    let patient = r.patient.id;
    let any = !r.prescriptions.is_empty();
    view! {
        <section class=format!("mt-4 {CARD}") data-testid="record-prescriptions">
            <h2 class="font-semibold">{move || i18n.t(|t| t.r.prescriptions_title)}</h2>
            <ul class="mt-2 list-disc pl-5 text-sm">
                {r.prescriptions.into_iter().map(|p| view! {
                    <li>{p.medocs_name} " — " {p.frequency} " × " {p.duration_days} {move || i18n.t(|t| t.v.days_short)} {p.instructions.map(|i| format!(" — {i}"))}</li>
                }).collect_view()}
            </ul>
            {any.then(|| view! {
                <a class=format!("mt-2 inline-block {SECONDARY}") target="_blank" data-testid="prescription-pdf"
                    href=format!("/api/v1/consultations/{id}/prescription/pdf/?lang={}", i18n.lang().tag())>
                    {move || i18n.t(|t| t.r.pdf_prescription)}
                </a>
            })}
        </section>
        {doctor.then(|| view! { <AddForm patient_id=Some(patient) consultation_id=Some(id) /> })}
    }
}

/// Addenda of a validated record; the doctor adds one.
#[component]
fn Addenda(r: Consultation, doctor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let validated = r.status == ConsultationStatus::Validated;
    (validated || !r.addenda.is_empty()).then(|| view! {
        <section class=format!("mt-4 {CARD}") data-testid="addenda">
            <h2 class="font-semibold">{move || i18n.t(|t| t.r.addenda_title)}</h2>
            <ol class="mt-2 space-y-2 text-sm">
                {r.addenda.into_iter().map(|a| view! {
                    <li data-testid="addendum"><p class="text-xs text-slate-500">{i18n.moment(a.created_at)} " — Dr " {a.author.name}</p><p class="whitespace-pre-line">{a.body}</p></li>
                }).collect_view()}
            </ol>
            {(doctor && validated).then(|| view! { <AddendumForm id=r.id /> })}
        </section>
    })
}

/// The doctor adds an addendum to a validated record; the page is loaded
/// again.
#[island(lazy)]
fn AddendumForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let addendum = ServerAction::<AddAddendum>::new();
    reload_after(addendum);
    let error = Signal::derive(move || addendum.value().get().and_then(Result::err));
    view! {
        <ActionForm action=addendum attr:class="mt-3 space-y-2">
            <input type="hidden" name="id" value=id.to_string() />
            <label class=LABEL for="addendum-body"><span>{move || i18n.t(|t| t.r.add_addendum)}</span>
                <textarea id="addendum-body" name="body" rows="2" maxlength="4000" required class=INPUT></textarea>
                <FieldError name="body" error />
            </label>
            <button type="submit" class=PRIMARY data-testid="add-addendum" disabled=move || addendum.pending().get()>
                {move || i18n.t(|t| t.r.add_addendum)}
            </button>
        </ActionForm>
    }
}
