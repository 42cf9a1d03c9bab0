//! Care relationships: the patient's care team (withdraw a doctor) and the
//! administrators' page (assign a doctor to a patient, end a relationship).

use domain::accounts::Specialty;
use domain::care::CareRelationship;
use leptos::prelude::*;

use crate::api::accounts::{list_accounts, list_specialties};
use crate::api::medical::{AssignCare, EndCare, care_relationships};
use crate::components::confirm::ConfirmButton;
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL, MedText, Relationship, specialty_text};
use crate::components::sched::{CARD, INPUT, PRIMARY};
use crate::i18n::use_i18n;
use crate::islands::go_to;

/// A dashed box saying there is nothing to show.
#[component]
pub fn EmptyMedical(text: MedText) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p data-testid="empty" class="rounded-2xl border border-dashed border-slate-300 p-6 text-center text-slate-500">
            {move || text(i18n.tr().m)}
        </p>
    }
}

/// Running relationships first, then ended ones (the order the services give).
fn split(list: Vec<CareRelationship>) -> (Vec<CareRelationship>, Vec<CareRelationship>) {
    list.into_iter().partition(CareRelationship::is_active)
}

/// `/patient/care-team`.
#[component]
pub fn CareTeamPage() -> impl IntoView {
    let i18n = use_i18n();
    let team = Resource::new(|| (), |_| care_relationships(true));
    let specialties = Resource::new(|| (), |_| list_specialties());
    let withdrawn = done("withdrawn");
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.m.care_team_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.m.care_team_intro)}</p>
        <Show when=move || withdrawn>
            <p role="status" data-testid="withdrawn-notice" class="mt-3 rounded-lg bg-teal-50 px-3 py-2 text-sm text-teal-900">
                {move || i18n.t(|t| t.m.withdrawn_notice)}
            </p>
        </Show>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                let specialties = specialties.await.unwrap_or_default();
                match team.await {
                    Ok(list) => {
                        let (running, ended) = split(list);
                        view! { <TeamLists running ended specialties /> }.into_any()
                    }
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TeamLists(
    running: Vec<CareRelationship>,
    ended: Vec<CareRelationship>,
    specialties: Vec<Specialty>,
) -> impl IntoView {
    let i18n = use_i18n();
    let specialties = StoredValue::new(specialties);
    let specialty = move |r: &CareRelationship| {
        let code = r.specialty.clone();
        Signal::derive(move || {
            specialties.with_value(|list| specialty_text(i18n.lang(), list, code.as_deref()))
        })
    };
    let has_ended = !ended.is_empty();
    let running_view = if running.is_empty() {
        view! { <div class="mt-3"><EmptyMedical text=|m| m.care_team_empty /></div> }.into_any()
    } else {
        view! {
            <ul class="mt-2 divide-y divide-slate-100" data-testid="care-team">
                {running.into_iter().map(|r| {
                    let id = r.id;
                    let specialty = specialty(&r);
                    view! {
                        <Relationship r show_doctor=true show_patient=false detail=specialty>
                            <EndCareButton id by_admin=false />
                        </Relationship>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class=format!("mt-4 {CARD}")>
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.m.care_running_title)}</h2>
            {running_view}
        </section>
        {has_ended.then(|| view! {
            <section class=format!("mt-4 {CARD}")>
                <h2 class="text-lg font-semibold text-slate-600">{move || i18n.t(|t| t.m.care_ended_title)}</h2>
                <ul class="mt-2 divide-y divide-slate-100 text-slate-600" data-testid="care-team-ended">
                    {ended.into_iter().map(|r| {
                        let specialty = specialty(&r);
                        view! { <Relationship r show_doctor=true show_patient=false detail=specialty /> }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// Suggestions of accounts of one role for an account-number input
/// (`<datalist id=…>`): name and username, the number as the value.
#[component]
pub fn AccountOptions(id: &'static str, role: &'static str) -> impl IntoView {
    let accounts = Resource::new(|| (), move |_| list_accounts(Some(role.to_owned())));
    view! {
        <datalist id=id>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    accounts.await.unwrap_or_default().into_iter().filter(|u| u.active).map(|u| {
                        view! { <option value=u.id.to_string()>{format!("{} ({})", u.full_name(), u.username)}</option> }
                    }).collect_view()
                })}
            </Transition>
        </datalist>
    }
}

/// `/admin/care`.
#[component]
pub fn AdminCarePage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| care_relationships(true));
    let (assigned, ended) = (done("assigned"), done("ended"));
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.m.care_admin_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.m.care_admin_intro)}</p>
        <Show when=move || assigned>
            <p role="status" data-testid="assigned-notice" class="mt-3 rounded-lg bg-teal-50 px-3 py-2 text-sm text-teal-900">
                {move || i18n.t(|t| t.m.assigned_notice)}
            </p>
        </Show>
        <AssignForm />
        <AccountOptions id="doctor-options" role="doctor" />
        <AccountOptions id="patient-options" role="patient" />
        <Show when=move || ended>
            <p role="status" data-testid="ended-notice" class="mt-3 rounded-lg bg-teal-50 px-3 py-2 text-sm text-teal-900">
                {move || i18n.t(|t| t.m.ended_notice)}
            </p>
        </Show>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => view! { <div class="mt-4"><EmptyMedical text=|m| m.relationships_empty /></div> }.into_any(),
                    Ok(list) => {
                        let (running, ended) = split(list);
                        view! {
                            <AdminList title=|m| m.care_admin_running running=true list=running />
                            <AdminList title=|m| m.care_admin_ended running=false list=ended />
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AdminList(title: MedText, running: bool, list: Vec<CareRelationship>) -> impl IntoView {
    let i18n = use_i18n();
    (!list.is_empty()).then(|| view! {
        <section class=format!("mt-4 {CARD}")>
            <h2 class="text-lg font-semibold">{move || title(i18n.tr().m)}</h2>
            <ul class="mt-2 divide-y divide-slate-100" data-testid=if running { "care-running" } else { "care-ended" }>
                {list.into_iter().map(|r| {
                    let id = r.id;
                    view! {
                        <Relationship r show_doctor=true show_patient=true detail=Signal::derive(String::new)>
                            {running.then(|| view! { <EndCareButton id by_admin=true /> })}
                        </Relationship>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

/// Whether the page was loaded again after `what` was done (`?<what>=1`).
fn done(what: &str) -> bool {
    use leptos_router::hooks::use_query_map;
    use_query_map().with_untracked(|q| q.get(what).is_some())
}

/// Assigns a doctor to a patient; the page is loaded again, saying so.
#[island(lazy)]
fn AssignForm() -> impl IntoView {
    let i18n = use_i18n();
    let assign = ServerAction::<AssignCare>::new();
    let assign_error = Signal::derive(move || assign.value().get().and_then(Result::err));
    let general = Signal::derive(move || {
        assign_error
            .get()
            .filter(|e| !matches!(e.field.as_deref(), Some("doctor_id" | "patient_id")))
    });
    Effect::new(move |_| {
        if matches!(assign.value().get(), Some(Ok(_))) {
            go_to("?assigned=1");
        }
    });
    view! {
        <ActionForm action=assign attr:class=format!("mt-4 grid gap-3 sm:grid-cols-3 {CARD}") attr:data-testid="assign-form">
            <h2 class="text-lg font-semibold sm:col-span-3">{move || i18n.t(|t| t.m.assign_title)}</h2>
            <div class="sm:col-span-3"><ErrorBanner error=general /></div>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.doctor_id_label)}</span>
                <input id="doctor_id" name="doctor_id" inputmode="numeric" list="doctor-options" autocomplete="off" required class=INPUT />
                <FieldError name="doctor_id" error=assign_error />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.patient_id_label)}</span>
                <input id="patient_id" name="patient_id" inputmode="numeric" list="patient-options" autocomplete="off" required class=INPUT />
                <FieldError name="patient_id" error=assign_error />
            </label>
            <div class="flex items-end"><button type="submit" class=PRIMARY data-testid="assign-submit">{move || i18n.t(|t| t.m.assign)}</button></div>
            <p class="text-xs text-slate-500 sm:col-span-3">{move || i18n.t(|t| t.m.ids_hint)}</p>
        </ActionForm>
    }
}

/// Ends a running relationship after the one confirmation: a patient
/// withdraws a doctor, an administrator ends it. The page is loaded again,
/// saying so.
#[island(lazy)]
fn EndCareButton(id: i64, by_admin: bool) -> impl IntoView {
    let end = ServerAction::<EndCare>::new();
    Effect::new(move |_| {
        if matches!(end.value().get(), Some(Ok(_))) {
            go_to(if by_admin { "?ended=1" } else { "?withdrawn=1" });
        }
    });
    let confirm = Callback::new(move |()| {
        end.dispatch(EndCare { id });
    });
    let error = Signal::derive(move || end.value().get().and_then(Result::err));
    view! {
        <span class="flex flex-col items-end gap-1">
            {if by_admin {
                view! {
                    <ConfirmButton label=|t| t.m.end_relationship question=|t| t.m.end_question yes=|t| t.m.end_relationship
                        testid="end-relationship" confirm />
                }.into_any()
            } else {
                view! {
                    <ConfirmButton label=|t| t.m.withdraw question=|t| t.m.withdraw_question yes=|t| t.m.withdraw_confirm
                        testid="withdraw" confirm />
                }.into_any()
            }}
            <ErrorBanner error />
        </span>
    }
}
