//! The access trail: a patient sees who read or changed their medical data;
//! administrators search the whole trail and download it as CSV.

use domain::trail::{Door, TrailAction, TrailQuery};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::care_team::{AccountOptions, EmptyMedical};
use crate::api::medical::{my_access_trail, search_trail};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{LABEL, Pager, TrailTable, action_label, door_label};
use crate::components::sched::{CARD, INPUT, PRIMARY, SECONDARY};
use crate::error::UiError;
use crate::i18n::use_i18n;
use crate::session_state::use_session;

/// `/patient/access?page=N`.
#[component]
pub fn MyAccessPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(1)
        })
    };
    let trail = Resource::new(page, my_access_trail);
    let session = use_session();
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.m.access_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.m.access_intro)}</p>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                let me = session.user.await.ok().flatten().map(|u| u.id);
                match trail.await {
                    Ok(page) if page.total == 0 => view! { <div class="mt-4"><EmptyMedical text=|m| m.access_empty /></div> }.into_any(),
                    Ok(page) => view! {
                        <TrailTable entries=page.entries.clone() about_patient=false me />
                        <Pager page=page.page per_page=page.per_page total=page.total query=String::new() />
                    }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The search fields, as the URL carries them.
const SEARCH_FIELDS: [&str; 7] = [
    "user_id",
    "patient_id",
    "action",
    "door",
    "from",
    "to",
    "refused_only",
];

/// The `fields` of a search that have a value, as a query string (escaped).
pub(super) fn search_of(fields: &[&str], param: impl Fn(&str) -> String) -> String {
    fields
        .iter()
        .filter_map(|name| {
            let value = param(name);
            (!value.trim().is_empty()).then(|| format!("{name}={}", encode(value.trim())))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `path` with the query string `search`, if any.
pub(super) fn with_search(path: &str, search: &str) -> String {
    if search.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{search}")
    }
}

/// Escapes a query-string value (letters, digits and `-._~` stay).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An account number typed in the search (empty: any).
pub(super) fn id_param(field: &str, raw: &str) -> Result<Option<i64>, UiError> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw.parse().map(Some).map_err(|_| UiError {
            code: "invalid_number".into(),
            field: Some(field.into()),
        }),
    }
}

/// `/admin/trail?user_id=&patient_id=&action=&door=&from=&to=&refused_only=true&page=`.
#[component]
pub fn AuditTrailPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).unwrap_or_default());
    // The search without its page: kept by the pager and the CSV link.
    let search = move || search_of(&SEARCH_FIELDS, param);
    let page = move || param("page").parse::<i64>().unwrap_or(1);
    let trail = Resource::new(
        move || (search(), page()),
        move |(_, page)| {
            let built = id_param("user_id", &param("user_id")).and_then(|user_id| {
                Ok(TrailQuery {
                    user_id,
                    patient_id: id_param("patient_id", &param("patient_id"))?,
                    action: Some(param("action")),
                    door: Some(param("door")),
                    from: Some(param("from")),
                    to: Some(param("to")),
                    refused_only: Some(param("refused_only") == "true"),
                    page: Some(page),
                    per_page: None,
                })
            });
            async move {
                match built {
                    Ok(query) => search_trail(query).await,
                    Err(err) => Err(err),
                }
            }
        },
    );
    let csv = move || with_search("/api/v1/audit/trail.csv", &search());
    let actions = TrailAction::ALL;
    let doors = Door::ALL;
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.m.trail_title)}</h1>
            <a href=csv download class=SECONDARY data-testid="download-csv" rel="external">{move || i18n.t(|t| t.m.download_csv)}</a>
        </div>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.m.trail_intro)}</p>
        <Form method="GET" action="" attr:class=format!("mt-4 grid gap-3 sm:grid-cols-4 {CARD}") attr:data-testid="trail-search">
            <label class=LABEL><span>{move || i18n.t(|t| t.m.user_id_label)}</span>
                <input name="user_id" inputmode="numeric" list="user-options" autocomplete="off" class=INPUT value=param("user_id") />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.patient_id_label)}</span>
                <input name="patient_id" inputmode="numeric" list="patient-options" autocomplete="off" class=INPUT value=param("patient_id") />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.action_label)}</span>
                <select name="action" class=INPUT>
                    <option value="">{move || i18n.t(|t| t.m.any_action)}</option>
                    {actions.iter().map(|a| {
                        let a = *a;
                        view! { <option value=a.as_str() selected=move || param("action") == a.as_str()>{move || action_label(i18n.tr().m, a)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.door_label)}</span>
                <select name="door" class=INPUT>
                    <option value="">{move || i18n.t(|t| t.m.any_door)}</option>
                    {doors.iter().map(|d| {
                        let d = *d;
                        view! { <option value=d.as_str() selected=move || param("door") == d.as_str()>{move || door_label(i18n.tr().m, d)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.s.from_label)}</span>
                <input type="date" name="from" class=INPUT value=param("from") />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.s.to_label)}</span>
                <input type="date" name="to" class=INPUT value=param("to") />
            </label>
            <label class="flex items-center gap-2 self-end pb-2 text-sm text-slate-700">
                <input type="checkbox" name="refused_only" value="true" checked=param("refused_only") == "true" />
                {move || i18n.t(|t| t.m.refused_only_label)}
            </label>
            <div class="flex items-end"><button type="submit" class=PRIMARY data-testid="trail-search-submit">{move || i18n.t(|t| t.s.search)}</button></div>
            <AccountOptions id="user-options" role="" />
            <AccountOptions id="patient-options" role="patient" />
        </Form>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match trail.await {
                    Ok(page) if page.total == 0 => view! { <div class="mt-4"><EmptyMedical text=|m| m.trail_empty /></div> }.into_any(),
                    Ok(page) => view! {
                        <TrailTable entries=page.entries.clone() about_patient=true me=None />
                        <Pager page=page.page per_page=page.per_page total=page.total query=search() />
                    }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}
