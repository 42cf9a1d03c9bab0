//! The activity log (administrators): what administrators and doctors did,
//! and every sign-in, searched by person, action, role and days, and
//! downloaded as CSV. Apart from the access trail (reads of medical data).

use domain::accounts::Role;
use domain::activity::{ActivityAction, ActivityEntry, ActivityQuery};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::access_trail::{id_param, search_of, with_search};
use super::care_team::{AccountOptions, EmptyMedical};
use crate::api::accounts::search_activity;
use crate::components::forms::ErrorBanner;
use crate::components::medical::{LABEL, Pager, TH, door_label};
use crate::components::sched::{CARD, INPUT, PRIMARY, SECONDARY};
use crate::i18n::use_i18n;

/// The search fields, as the URL carries them.
const SEARCH_FIELDS: [&str; 5] = ["user_id", "action", "role", "from", "to"];

/// `/admin/activity?user_id=&action=&role=&from=&to=&page=`.
#[component]
pub fn ActivityLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).unwrap_or_default());
    // The search without its page: kept by the pager and the CSV link.
    let search = move || search_of(&SEARCH_FIELDS, param);
    let page = move || param("page").parse::<i64>().unwrap_or(1);
    let log = Resource::new(
        move || (search(), page()),
        move |(_, page)| {
            let built = id_param("user_id", &param("user_id")).map(|user_id| ActivityQuery {
                user_id,
                action: Some(param("action")),
                role: Some(param("role")),
                from: Some(param("from")),
                to: Some(param("to")),
                page: Some(page),
                per_page: None,
            });
            async move {
                match built {
                    Ok(query) => search_activity(query).await,
                    Err(err) => Err(err),
                }
            }
        },
    );
    let csv = move || with_search("/api/v1/activity.csv", &search());
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.m.activity_title)}</h1>
            <a href=csv download class=SECONDARY data-testid="download-csv" rel="external">{move || i18n.t(|t| t.m.download_csv)}</a>
        </div>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.m.activity_intro)}</p>
        <Form method="GET" action="" attr:class=format!("mt-4 grid gap-3 sm:grid-cols-3 {CARD}") attr:data-testid="activity-search">
            <label class=LABEL><span>{move || i18n.t(|t| t.m.user_id_label)}</span>
                <input name="user_id" inputmode="numeric" list="user-options" autocomplete="off" class=INPUT value=param("user_id") />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.action_label)}</span>
                <select name="action" class=INPUT>
                    <option value="">{move || i18n.t(|t| t.m.any_activity)}</option>
                    {ActivityAction::ALL.iter().map(|a| {
                        let code = a.as_str();
                        view! { <option value=code selected=move || param("action") == code>{move || i18n.tr().m.activity(code)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.role_label)}</span>
                <select name="role" class=INPUT>
                    <option value="">{move || i18n.t(|t| t.m.any_role)}</option>
                    {[Role::Admin, Role::Doctor, Role::Patient].into_iter().map(|r| {
                        let code = r.as_str();
                        view! { <option value=code selected=move || param("role") == code>{move || i18n.tr().role(r)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.s.from_label)}</span>
                <input type="date" name="from" class=INPUT value=param("from") />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.s.to_label)}</span>
                <input type="date" name="to" class=INPUT value=param("to") />
            </label>
            <div class="flex items-end"><button type="submit" class=PRIMARY data-testid="activity-search-submit">{move || i18n.t(|t| t.s.search)}</button></div>
            <AccountOptions id="user-options" role="" />
        </Form>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(page) if page.total == 0 => view! { <div class="mt-4"><EmptyMedical text=|m| m.activity_empty /></div> }.into_any(),
                    Ok(page) => view! {
                        <ActivityTable entries=page.entries.clone() />
                        <Pager page=page.page per_page=page.per_page total=page.total query=search() />
                    }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ActivityTable(entries: Vec<ActivityEntry>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="mt-4 overflow-x-auto rounded-2xl border border-slate-200 bg-white shadow-sm" tabindex="0" role="region" aria-label=move || i18n.t(|t| t.u.table_scroll)>
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="activity-table">
                <thead class="bg-slate-50"><tr>
                    <th class=TH>{move || i18n.t(|t| t.m.col_when)}</th>
                    <th class=TH>{move || i18n.t(|t| t.m.col_who)}</th>
                    <th class=TH>{move || i18n.t(|t| t.role_label)}</th>
                    <th class=TH>{move || i18n.t(|t| t.m.col_action)}</th>
                    <th class=TH>{move || i18n.t(|t| t.m.col_target)}</th>
                    <th class=TH>{move || i18n.t(|t| t.m.col_door)}</th>
                </tr></thead>
                <tbody class="divide-y divide-slate-100">
                    {entries.into_iter().map(|e| view! { <ActivityRow e /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The words of a detail code (`role:doctor`, `vitals:csv:personal_data`…);
/// parts nobody reads as words (a specialty's or a doctor's key) are left out.
fn detail_words(m: &crate::i18n::medical::Medical, detail: &str) -> Option<String> {
    if let Some(words) = m.activity_detail(detail) {
        return Some(words.to_owned());
    }
    let words: Vec<&str> = detail
        .split(':')
        .filter_map(|part| m.activity_detail(part))
        .collect();
    (!words.is_empty()).then(|| words.join(", "))
}

#[component]
fn ActivityRow(e: ActivityEntry) -> impl IntoView {
    let i18n = use_i18n();
    let refused = e.action == ActivityAction::SignInRefused;
    let (name, at, role, door) = (e.actor_name.clone(), e.at, e.actor_role, e.door);
    let who = move || match &name {
        Some(name) => name.clone(),
        None if refused => i18n.t(|t| t.m.unknown_login).to_owned(),
        None => i18n.t(|t| t.m.the_platform).to_owned(),
    };
    let action = e.action.as_str();
    let detail = e.detail.clone();
    let target_name = e.target_name.clone();
    let (target_kind, target_id) = (e.target_kind.clone(), e.target_id);
    let target = move || {
        let m = i18n.tr().m;
        match (
            &target_name,
            target_kind.as_deref().and_then(|k| m.target_kind(k)),
            target_id,
        ) {
            (Some(name), _, _) => name.clone(),
            (None, Some(kind), Some(id)) => format!("{kind} n° {id}"),
            _ => String::new(),
        }
    };
    let more = move || detail.as_deref().and_then(|d| detail_words(i18n.tr().m, d));
    let row_class = if refused { "bg-red-50" } else { "" };
    view! {
        <tr class=row_class data-testid="activity-entry" data-action=action>
            <td class="whitespace-nowrap px-3 py-2">{move || i18n.moment_ms(at)}</td>
            <td class="px-3 py-2 font-medium" data-testid="activity-who">{who}</td>
            <td class="px-3 py-2">{move || role.map(|r| i18n.tr().role(r)).unwrap_or_default()}</td>
            <td class="px-3 py-2">
                {move || i18n.tr().m.activity(action)}
                {move || more().map(|words| view! { <span class="block text-xs text-slate-600" data-testid="activity-detail">{words}</span> })}
            </td>
            <td class="px-3 py-2" data-testid="activity-target">{target}</td>
            <td class="px-3 py-2">{move || door_label(i18n.tr().m, door)}</td>
        </tr>
    }
}
