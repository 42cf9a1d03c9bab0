//! Pieces shared by the medical pages: labels of the trail's and the
//! profile's values, instants in the reader's language, an error under the
//! field it names, the read-only profile, and a trail table with its pages.

use domain::care::{CareEnd, CareOrigin, CareRelationship};
use domain::medical::{Level, MedicalProfile, Sex};
use domain::trail::{Door, Resource, TrailAction, TrailEntry};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::sched::{CARD, SECONDARY, date_text};
use crate::error::UiError;
use crate::i18n::{Lang, Medical, use_i18n};

/// Class of a form label.
pub const LABEL: &str = "block space-y-1 text-sm font-medium text-slate-700";
/// Class of a table header cell.
pub const TH: &str = "px-3 py-2 text-left text-xs font-semibold uppercase text-slate-500";

/// A medical string picker.
pub type MedText = fn(&Medical) -> &'static str;

pub fn action_label(m: &Medical, action: TrailAction) -> &'static str {
    match action {
        TrailAction::Read => m.action_read,
        TrailAction::Create => m.action_create,
        TrailAction::Update => m.action_update,
        TrailAction::Delete => m.action_delete,
        TrailAction::Export => m.action_export,
        TrailAction::BreakGlass => m.action_break_glass,
    }
}

pub fn resource_label(m: &Medical, resource: Resource) -> &'static str {
    match resource {
        Resource::MedicalProfile => m.res_medical_profile,
        Resource::AppointmentReason => m.res_appointment_reason,
        Resource::CareRelationship => m.res_care_relationship,
        Resource::EmergencyAccess => m.res_emergency_access,
        Resource::AccessTrail => m.res_access_trail,
        Resource::Vitals => m.res_vitals,
        Resource::Device => m.res_device,
        Resource::VitalAlert => m.res_vital_alert,
        Resource::Treatment => m.res_treatment,
        Resource::SymptomCheck => m.res_symptom_check,
        Resource::Consultation => m.res_consultation,
        Resource::ConsultationMessage => m.res_consultation_message,
        Resource::ChatMessage => m.res_chat_message,
        Resource::ResearchExport => m.res_research_export,
    }
}

pub fn door_label(m: &Medical, door: Door) -> &'static str {
    match door {
        Door::Web => m.door_web,
        Door::Rest => m.door_rest,
        Door::WebSocket => m.door_websocket,
        Door::Cli => m.door_cli,
        Door::Messaging => m.door_messaging,
        Door::Fhir => m.door_fhir,
    }
}

pub fn sex_label(m: &Medical, sex: Sex) -> &'static str {
    match sex {
        Sex::Female => m.sex_female,
        Sex::Male => m.sex_male,
        Sex::Other => m.sex_other,
    }
}

pub fn level_label(m: &Medical, level: Level) -> &'static str {
    match level {
        Level::Low => m.level_low,
        Level::Normal => m.level_normal,
        Level::High => m.level_high,
    }
}

pub fn origin_label(m: &Medical, origin: CareOrigin) -> &'static str {
    match origin {
        CareOrigin::Appointment => m.origin_appointment,
        CareOrigin::Assigned => m.origin_assigned,
    }
}

pub fn end_label(m: &Medical, end: Option<CareEnd>) -> &'static str {
    match end {
        Some(CareEnd::Withdrawn) => m.end_withdrawn,
        _ => m.end_ended,
    }
}

/// The specialty of a relationship's doctor, in the reader's language.
pub fn specialty_text(
    lang: Lang,
    specialties: &[domain::accounts::Specialty],
    code: Option<&str>,
) -> String {
    let found = code.and_then(|code| specialties.iter().find(|s| s.code == code));
    match (found, lang) {
        (Some(s), Lang::Fr) => s.name_fr.clone(),
        (Some(s), Lang::En) => s.name_en.clone(),
        (None, _) => code.map_or_else(|| lang.tr().m.general_practice.to_owned(), str::to_owned),
    }
}

/// The error under the form field it names (`field`), if it names this one.
#[component]
pub fn FieldError(
    name: &'static str,
    #[prop(into)] error: Signal<Option<UiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error
            .get()
            .filter(|e| e.field.as_deref() == Some(name))
            .map(|e| {
                view! {
                    <span role="alert" data-testid=format!("error-{name}") data-error-code=e.code.clone()
                        class="block text-xs font-normal text-red-700">
                        {i18n.tr().error(&e.code)}
                    </span>
                }
            })
    }
}

/// A relationship as a list item: the doctor and/or the patient, a line of
/// `detail` (the doctor's specialty, account numbers…), since when, how it
/// began (and ended); `children` (actions) go on the right.
#[component]
pub fn Relationship(
    r: CareRelationship,
    show_doctor: bool,
    show_patient: bool,
    #[prop(into)] detail: Signal<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let origin = r.origin;
    let end = r.end;
    let started = r.started_at;
    let ended = r.ended_at;
    let name = match (show_doctor, show_patient) {
        (true, true) => format!("Dr {} → {}", r.doctor_name, r.patient_name),
        (true, false) => format!("Dr {}", r.doctor_name),
        _ => r.patient_name.clone(),
    };
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="care-relationship"
            data-id=r.id data-doctor-id=r.doctor_id data-patient-id=r.patient_id data-active=ended.is_none().to_string()>
            <div>
                <p class="font-semibold" data-testid="care-name">{name}</p>
                <p class="text-sm text-slate-600">
                    {move || { let d = detail.get(); if d.is_empty() { d } else { format!("{d} · ") } }}
                    {move || i18n.t(|t| t.m.since_label)} " " {move || i18n.day_of_ms(started)}
                    " · " {move || origin_label(i18n.tr().m, origin)}
                </p>
                {ended.map(|at| view! {
                    <p class="text-sm text-slate-500" data-testid="care-ended-on">
                        {move || i18n.t(|t| t.m.ended_on_label)} " " {move || i18n.day_of_ms(at)}
                        " · " {move || end_label(i18n.tr().m, end)}
                    </p>
                })}
            </div>
            <div class="flex flex-wrap items-center gap-2">{children.map(|c| c())}</div>
        </li>
    }
}

/// A medical profile, read-only.
#[component]
pub fn ProfileView(profile: MedicalProfile) -> impl IntoView {
    let i18n = use_i18n();
    let p = profile;
    let unknown = move || i18n.t(|t| t.m.not_specified).to_owned();
    let row = move |label: MedText, key: &'static str, value: Signal<String>| {
        view! {
            <div>
                <dt class="text-xs uppercase text-slate-500">{move || label(i18n.tr().m)}</dt>
                <dd class="font-medium text-slate-900" data-testid=format!("profile-{key}")>{move || value.get()}</dd>
            </div>
        }
    };
    let list = move |items: Vec<String>| {
        Signal::derive(move || {
            if items.is_empty() {
                i18n.t(|t| t.m.none_listed).to_owned()
            } else {
                items.join(", ")
            }
        })
    };
    let dob = p.date_of_birth.map(|d| d.to_string());
    let sex = p.sex;
    let group = p.blood_group;
    let height = p.height_cm;
    let weight = p.weight_kg;
    let mobile = p.mobile_phone.clone();
    let contact = p.emergency_contact.clone();
    let bp = p.blood_pressure_level;
    let chol = p.cholesterol_level;
    let updated = p.updated_at;
    view! {
        <dl class=format!("grid gap-4 sm:grid-cols-3 {CARD}") data-testid="profile-view">
            {row(|m| m.date_of_birth_label, "date_of_birth", Signal::derive(move || dob.as_deref().map_or_else(unknown, |d| date_text(i18n.lang(), d))))}
            {row(|m| m.sex_label, "sex", Signal::derive(move || sex.map_or_else(unknown, |s| sex_label(i18n.tr().m, s).to_owned())))}
            {row(|m| m.blood_group_label, "blood_group", Signal::derive(move || group.map_or_else(unknown, |g| g.as_str().to_owned())))}
            {row(|m| m.height_label, "height_cm", Signal::derive(move || height.map_or_else(unknown, |h| h.to_string())))}
            {row(|m| m.weight_label, "weight_kg", Signal::derive(move || weight.map_or_else(unknown, |w| w.to_string())))}
            {row(|m| m.mobile_label, "mobile_phone", Signal::derive(move || mobile.clone().unwrap_or_else(unknown)))}
            {row(|m| m.allergies_label, "allergies", list(p.allergies.clone()))}
            {row(|m| m.conditions_label, "chronic_conditions", list(p.chronic_conditions.clone()))}
            {row(|m| m.section_contact, "emergency_contact", Signal::derive(move || contact.as_ref().map_or_else(unknown, |c| format!("{} ({}) · {}", c.name, c.relation, c.phone))))}
            {row(|m| m.blood_pressure_label, "blood_pressure_level", Signal::derive(move || bp.map_or_else(unknown, |l| level_label(i18n.tr().m, l).to_owned())))}
            {row(|m| m.cholesterol_label, "cholesterol_level", Signal::derive(move || chol.map_or_else(unknown, |l| level_label(i18n.tr().m, l).to_owned())))}
            {row(|m| m.last_updated, "updated_at", Signal::derive(move || updated.map_or_else(unknown, |at| i18n.moment_ms(at))))}
        </dl>
    }
}

/// Links to the pages before and after `page`, keeping the rest of the query
/// (`query` is the query string without `page`, possibly empty).
#[component]
pub fn Pager(page: i64, per_page: i64, total: i64, query: String) -> impl IntoView {
    let i18n = use_i18n();
    let pages = ((total + per_page - 1) / per_page.max(1)).max(1);
    let current = page;
    let link = move |n: i64| {
        if query.is_empty() {
            format!("?page={n}")
        } else {
            format!("?{query}&page={n}")
        }
    };
    let previous = (current > 1).then(|| link(current - 1));
    let next = (current < pages).then(|| link(current + 1));
    view! {
        <nav class="mt-4 flex flex-wrap items-center gap-3 text-sm" data-testid="pager">
            {previous.map(|href| view! { <A href=href attr:class=SECONDARY attr:data-testid="previous-page">{move || i18n.t(|t| t.m.previous_page)}</A> })}
            <span class="text-slate-600" data-testid="page-position">
                {move || i18n.t(|t| t.m.page_label)} " " {current} " " {move || i18n.t(|t| t.m.of_label)} " " {pages}
                " · " {total} " " {move || i18n.t(|t| t.m.entries_label)}
            </span>
            {next.map(|href| view! { <A href=href attr:class=SECONDARY attr:data-testid="next-page">{move || i18n.t(|t| t.m.next_page)}</A> })}
        </nav>
    }
}

/// Trail entries as a table; `about_patient` adds the patient column
/// (administrators), `me` marks the reader's own actions.
#[component]
pub fn TrailTable(entries: Vec<TrailEntry>, about_patient: bool, me: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="mt-4 overflow-x-auto rounded-2xl border border-slate-200 bg-white shadow-sm" tabindex="0" role="region" aria-label=move || i18n.t(|t| t.u.table_scroll)>
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="trail-table">
                <thead class="bg-slate-50"><tr>
                    <th class=TH>{move || i18n.t(|t| t.m.col_when)}</th>
                    <th class=TH>{move || i18n.t(|t| t.m.col_who)}</th>
                    <th class=TH>{move || i18n.t(|t| t.role_label)}</th>
                    <th class=TH>{move || i18n.t(|t| t.m.col_action)}</th>
                    <th class=TH>{move || i18n.t(|t| t.m.col_what)}</th>
                    {about_patient.then(|| view! { <th class=TH>{move || i18n.t(|t| t.m.col_patient)}</th> })}
                    <th class=TH>{move || i18n.t(|t| t.m.col_door)}</th>
                    <th class=TH>{move || i18n.t(|t| t.m.col_outcome)}</th>
                </tr></thead>
                <tbody class="divide-y divide-slate-100">
                    {entries.into_iter().map(|e| view! { <TrailRow e about_patient me /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn TrailRow(e: TrailEntry, about_patient: bool, me: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let mine = me.is_some() && e.actor_id == me;
    let name = e.actor_name.clone();
    let actor_id = e.actor_id;
    let who = move || match (&name, mine) {
        (_, true) => i18n.t(|t| t.m.you).to_owned(),
        (Some(name), _) => name.clone(),
        (None, _) => i18n.t(|t| t.m.system).to_owned(),
    };
    let role = e.actor_role;
    let (action, resource, door, at) = (e.action, e.resource, e.door, e.at);
    let emergency = e.emergency;
    let allowed = e.allowed;
    let row_class = if emergency {
        "bg-amber-50"
    } else if !allowed {
        "bg-red-50"
    } else {
        ""
    };
    let patient = e.patient_name.clone();
    let reason = e.reason.clone().filter(|r| !r.trim().is_empty());
    view! {
        <tr class=row_class data-testid="trail-entry" data-action=action.as_str() data-resource=resource.as_str()
            data-door=door.as_str() data-allowed=allowed.to_string() data-emergency=emergency.to_string()
            data-actor-id=actor_id.map(|id| id.to_string()).unwrap_or_default()>
            <td class="whitespace-nowrap px-3 py-2">{move || i18n.moment_ms(at)}</td>
            <td class="px-3 py-2 font-medium" data-testid="trail-who">{who}</td>
            <td class="px-3 py-2">{move || role.map(|r| i18n.tr().role(r)).unwrap_or_default()}</td>
            <td class="px-3 py-2">
                {move || action_label(i18n.tr().m, action)}
                {emergency.then(|| view! {
                    " " <span class="rounded-full bg-amber-200 px-2 py-0.5 text-xs font-semibold text-amber-900" data-testid="emergency-flag">
                        {move || i18n.t(|t| t.m.emergency_badge)}
                    </span>
                })}
            </td>
            <td class="px-3 py-2">
                {move || resource_label(i18n.tr().m, resource)}
                {reason.map(|reason| view! {
                    <span class="mt-0.5 block text-xs text-slate-600" data-testid="trail-reason">
                        {move || i18n.t(|t| t.m.reason_given)} " " {reason.clone()}
                    </span>
                })}
            </td>
            {about_patient.then(|| view! { <td class="px-3 py-2">{patient.clone().unwrap_or_default()}</td> })}
            <td class="px-3 py-2">{move || door_label(i18n.tr().m, door)}</td>
            <td class="px-3 py-2">
                {move || if allowed {
                    view! { <span class="text-teal-800">{i18n.t(|t| t.m.allowed_badge)}</span> }.into_any()
                } else {
                    view! { <span class="rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-800">{i18n.t(|t| t.m.refused_badge)}</span> }.into_any()
                }}
            </td>
        </tr>
    }
}
