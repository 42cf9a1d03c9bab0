//! `/patient/consultations` (the patient's records, preparing a new one)
//! and `/doctor/consultations` (the queue of records to validate, then every
//! record addressed to the doctor, opening one for a patient).

use domain::consultations::{ConsultationStatus, ConsultationSummary};
use leptos::prelude::*;
use leptos_router::components::A;

use super::record::StatusBadge;
use crate::api::medical::care_relationships;
use crate::api::records::{OpenRecord, list_records};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL};
use crate::components::sched::{CARD, INPUT, PRIMARY};
use crate::i18n::use_i18n;
use crate::islands::go_to;

/// `/patient/consultations`.
#[component]
pub fn PatientRecordsPage() -> impl IntoView {
    view! { <RecordsPage doctor=false /> }
}

/// `/doctor/consultations`.
#[component]
pub fn DoctorRecordsPage() -> impl IntoView {
    view! { <RecordsPage doctor=true /> }
}

#[component]
fn RecordsPage(doctor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let records = Resource::new(|| (), |_| list_records(None, None));
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.r.list_title)}</h1>
        <p class="mt-1 text-slate-600">{move || if doctor { i18n.t(|t| t.r.doctor_intro) } else { i18n.t(|t| t.r.patient_intro) }}</p>
        <NewRecord doctor />
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match records.await {
                    Ok(list) => {
                        let (queue, rest): (Vec<_>, Vec<_>) = list
                            .into_iter()
                            .partition(|r| doctor && r.status == ConsultationStatus::Submitted);
                        view! {
                            {doctor.then(|| view! {
                                <section class=format!("mt-4 {CARD}") data-testid="record-queue">
                                    <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.r.queue_title)} " (" {queue.len()} ")"</h2>
                                    <List list=queue.clone() doctor empty=|r| r.no_queue />
                                </section>
                            })}
                            <section class=format!("mt-4 {CARD}") data-testid="record-history">
                                <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.r.history_title)}</h2>
                                <List list=rest doctor empty=|r| r.no_records />
                            </section>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn List(
    list: Vec<ConsultationSummary>,
    doctor: bool,
    empty: crate::components::record_fields::RecText,
) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! {
            <p data-testid="empty" class="mt-3 rounded-xl border border-dashed border-slate-300 p-4 text-center text-sm text-slate-500">
                {move || i18n.t(|t| empty(t.r))}
            </p>
        }
        .into_any();
    }
    let base = if doctor {
        "/doctor/consultations"
    } else {
        "/patient/consultations"
    };
    view! {
        <ul class="mt-2 divide-y divide-slate-100">
            {list.into_iter().map(|r| {
                let who = if doctor { r.patient.name.clone() } else { format!("Dr {}", r.doctor.name) };
                let when = r.appointment_starts_at.unwrap_or(r.updated_at);
                view! {
                    <li class="flex flex-wrap items-center gap-3 py-3" data-testid="record-row" data-id=r.id.to_string()>
                        <StatusBadge status=r.status />
                        <div class="min-w-0 flex-1">
                            <A href=format!("{base}/{}", r.id) attr:class="font-medium text-teal-800 hover:underline">{who}</A>
                            <p class="truncate text-sm text-slate-600">{r.diagnosis.clone().or(r.reason.clone()).unwrap_or_default()}</p>
                        </div>
                        <span class="text-xs text-slate-500">{i18n.moment(when)}</span>
                        {(r.unread_messages > 0).then(|| view! {
                            <span class="rounded-full bg-teal-700 px-2 text-xs font-semibold text-white" data-testid="unread">
                                {r.unread_messages} " " {move || i18n.t(|t| t.r.unread)}
                            </span>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Opens a draft with a doctor of the care team (patients) or a patient in
/// care (doctors), then goes to it.
#[component]
fn NewRecord(doctor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let team = Resource::new(|| (), |_| care_relationships(false));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let team = team.await.unwrap_or_default();
                if team.is_empty() && !doctor {
                    return view! { <p class="mt-4 rounded-lg bg-slate-50 p-3 text-sm text-slate-600" data-testid="no-care-team">{move || i18n.t(|t| t.r.no_care_team)}</p> }.into_any();
                }
                let others = team.into_iter().map(|c| {
                    if doctor { (c.patient_id, c.patient_name) } else { (c.doctor_id, format!("Dr {}", c.doctor_name)) }
                }).collect::<Vec<_>>();
                view! { <NewRecordForm doctor others /> }.into_any()
            })}
        </Transition>
    }
}

/// The form opening a draft with one of `others` (id, name).
#[island(lazy)]
fn NewRecordForm(doctor: bool, others: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let open = ServerAction::<OpenRecord>::new();
    let error = Signal::derive(move || open.value().get().and_then(Result::err));
    let general = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e.field.as_deref(), Some("doctor_id" | "patient_id")))
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = open.value().get() {
            let base = if doctor {
                "/doctor/consultations"
            } else {
                "/patient/consultations"
            };
            go_to(&format!("{base}/{id}"));
        }
    });
    let field = if doctor { "patient_id" } else { "doctor_id" };
    view! {
        <ActionForm action=open attr:class=format!("mt-4 flex flex-wrap items-end gap-3 {CARD}") attr:data-testid="new-record">
            <ErrorBanner error=general />
            <label class=LABEL for="other_id">
                <span>{move || if doctor { i18n.t(|t| t.r.choose_patient) } else { i18n.t(|t| t.r.choose_doctor) }}</span>
                <select id="other_id" name="other_id" class=INPUT required>
                    {others.into_iter().map(|(value, name)| view! { <option value=value.to_string()>{name}</option> }).collect_view()}
                </select>
                <FieldError name=field error />
            </label>
            <button type="submit" class=PRIMARY data-testid="open-record" disabled=move || open.pending().get()>
                {move || if doctor { i18n.t(|t| t.r.new_record_doctor) } else { i18n.t(|t| t.r.new_record) }}
            </button>
        </ActionForm>
    }
}
