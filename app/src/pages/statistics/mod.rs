//! `/admin/stats` and `/doctor/stats`: the statistics of a period (the
//! platform's, a specialty's or a doctor's for administrators; their own for
//! a doctor), as figures, charts and their data, with a CSV per chart. Days
//! and hours are the reader's.
//!
//! This file holds the page and its filter; the headline figures and the
//! chart grid are in `figures`, the charts themselves in `activity`
//! (appointments, busiest hours, kinds, occupancy) and `service` (lead times,
//! alerts, assistant, delivery), and the writing of values in `text`.

mod activity;
mod figures;
mod service;
mod text;

use domain::stats::{Statistics, StatsQuery, StatsTable};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_location, use_query_map};

use super::access_trail::{id_param, search_of, with_search};
use crate::api::accounts::{list_accounts, list_specialties};
use crate::api::stats::read_statistics;
use crate::components::forms::ErrorBanner;
use crate::components::medical::LABEL;
use crate::components::sched::{CARD, INPUT, PRIMARY};
use crate::i18n::{Lang, use_i18n};
use figures::Figures;

pub use text::percent;

/// The filter fields, as the URL carries them.
const FIELDS: [&str; 4] = ["from", "to", "specialty", "doctor_id"];

/// The page.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let admin = use_location()
        .pathname
        .with_untracked(|p| p.starts_with("/admin"));
    let param = move |name: &str| query.with(|q| q.get(name).unwrap_or_default());
    let search = move || search_of(&FIELDS, param);
    let data = Resource::new(
        move || (search(), i18n.zone()),
        move |(_, zone)| {
            let built = id_param("doctor_id", &param("doctor_id")).map(|doctor_id| StatsQuery {
                from: Some(param("from")),
                to: Some(param("to")),
                specialty: Some(param("specialty")),
                doctor_id,
                tz: Some(zone.to_string()),
            });
            async move {
                match built {
                    Ok(query) => read_statistics(query).await,
                    Err(err) => Err(err),
                }
            }
        },
    );
    let specialties = Resource::new(|| (), |_| list_specialties());
    let doctors = Resource::new(
        move || admin,
        |admin| async move {
            if admin {
                list_accounts(Some("doctor".into()))
                    .await
                    .unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.g.title)}</h1>
        <p class="mt-1 text-slate-600">{move || if admin { i18n.t(|t| t.g.intro_admin) } else { i18n.t(|t| t.g.intro_doctor) }}</p>
        <Form method="GET" action="" attr:class=format!("mt-4 grid gap-3 sm:grid-cols-2 xl:grid-cols-5 {CARD}") attr:data-testid="stats-filter">
            <label class=LABEL><span>{move || i18n.t(|t| t.s.from_label)}</span>
                <input type="date" name="from" class=INPUT value=param("from") />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.s.to_label)}</span>
                <input type="date" name="to" class=INPUT value=param("to") />
            </label>
            {admin.then(|| view! {
                <label class=LABEL><span>{move || i18n.t(|t| t.g.specialty)}</span>
                    <select name="specialty" class=INPUT>
                        <option value="">{move || i18n.t(|t| t.g.any_specialty)}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                let list = specialties.await.unwrap_or_default();
                                list.into_iter().map(|s| {
                                    let code = s.code.clone();
                                    let selected = param("specialty") == code;
                                    view! { <option value=code selected=selected>{move || if i18n.lang() == Lang::Fr { s.name_fr.clone() } else { s.name_en.clone() }}</option> }
                                }).collect_view()
                            })}
                        </Transition>
                    </select>
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.g.doctor)}</span>
                    <select name="doctor_id" class=INPUT>
                        <option value="">{move || i18n.t(|t| t.g.any_doctor)}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                doctors.await.into_iter().filter(|u| u.active).map(|u| {
                                    let id = u.id.to_string();
                                    let selected = param("doctor_id") == id;
                                    view! { <option value=id selected=selected>{u.full_name()}</option> }
                                }).collect_view()
                            })}
                        </Transition>
                    </select>
                </label>
            })}
            <div class="flex items-end"><button type="submit" class=PRIMARY data-testid="stats-submit">{move || i18n.t(|t| t.g.show)}</button></div>
        </Form>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                let names = specialties.await.unwrap_or_default();
                match data.await {
                    Ok(stats) => {
                        let zone = stats_zone(&stats);
                        let csv = move |table: StatsTable| with_search(&format!("/api/v1/stats/{}.csv", table.as_str()), &with_zone(&search(), &zone));
                        view! { <Figures stats=stats.clone() names csv=Callback::new(csv) /> }.into_any()
                    }
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn stats_zone(stats: &Statistics) -> String {
    stats.zone.clone()
}

/// The search with the reader's zone, for a download.
fn with_zone(search: &str, zone: &str) -> String {
    let zone = format!("tz={}", zone.replace('/', "%2F").replace('+', "%2B"));
    if search.is_empty() {
        zone
    } else {
        format!("{search}&{zone}")
    }
}
