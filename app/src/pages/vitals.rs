//! Live vital signs: a patient's monitoring page (their own, or a patient's
//! for a doctor of their care team) and the doctor's board of every patient
//! in their care. Pages come rendered with what the server read; once
//! hydrated they follow the sockets (`ws/iot/<patient>/` and
//! `ws/alerts/<patient>/`, `ws/monitoring/mine/`).

use std::collections::BTreeMap;

use domain::accounts::UserId;
use domain::vitals::alerts::{AlertLevel, VitalAlert};
use domain::vitals::charts::{ChartWindow, Overview, Series};
use domain::vitals::news2::{News2, Observations, Spo2Scale};
use domain::vitals::{LatestValue, Vital};
use domain::wards::BoardRow;
use jiff::Timestamp;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde_json::Value;

use crate::api::vitals::{acknowledge_vital_alert, care_board, vital_alerts, vitals_overview};
use crate::components::forms::ErrorBanner;
use crate::components::sched::CARD;
use crate::components::vitals::{
    AlertList, LevelBadge, News2Badge, News2Panel, VitalCards, VitalChart, alert_title, use_clock,
    value_text, vital_name, window_name,
};
use crate::error::UiError;
use crate::i18n::use_i18n;
use crate::live::{LinkStatus, use_live};

/// `/patient/vitals`: the patient's own vital signs.
#[component]
pub fn MyVitalsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.v.vitals_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.v.vitals_intro_patient)}</p>
        <VitalsMonitor patient=None can_acknowledge=false rendered_at=Timestamp::now() />
    }
}

/// `/doctor/patients/:id/vitals`: a patient's vital signs for their doctor.
#[component]
pub fn PatientVitalsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id =
        params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    view! {
        <A href=format!("/doctor/patients/{id}") attr:class="text-sm text-teal-700 underline">{move || i18n.t(|t| t.m.open_file)}</A>
        <h1 class="mt-2 text-2xl font-bold">{move || i18n.t(|t| t.v.vitals_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.v.vitals_intro_doctor)}</p>
        <VitalsMonitor patient=Some(id) can_acknowledge=true rendered_at=Timestamp::now() />
    }
}

/// A patient's latest values, NEWS2, charts and alerts, live: an island
/// throughout (its resources travel with the page, its socket is its own),
/// whose code the browser fetches when a page shows it. `rendered_at` starts
/// its clock (see `use_clock`).
#[island(lazy)]
fn VitalsMonitor(
    patient: Option<UserId>,
    can_acknowledge: bool,
    rendered_at: Timestamp,
) -> impl IntoView {
    let i18n = use_i18n();
    let window = RwSignal::new(ChartWindow::Hour);
    let overview = Resource::new(
        move || window.get(),
        move |w| vitals_overview(patient, w.as_str().to_owned()),
    );
    let alerts = Resource::new(|| (), move |_| vital_alerts(patient));
    view! {
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match (overview.await, alerts.await) {
                    (Ok(overview), Ok(alerts)) => view! { <Live overview alerts can_acknowledge window rendered_at /> }.into_any(),
                    (Err(err), _) | (_, Err(err)) => view! {
                        <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Inserts or replaces alerts by id.
fn upsert(list: &mut Vec<VitalAlert>, alert: VitalAlert) {
    match list.iter_mut().find(|a| a.id == alert.id) {
        Some(old) => *old = alert,
        None => list.insert(0, alert),
    }
}

/// Merges an `iot_data` message's values: newer values replace the latest
/// and extend the charts.
fn merge_readings(
    data: BTreeMap<String, LatestValue>,
    latest: RwSignal<BTreeMap<String, LatestValue>>,
    series: RwSignal<Vec<Series>>,
    window: ChartWindow,
) {
    for (key, value) in data {
        let Some(vital) = Vital::parse(&key) else {
            continue;
        };
        let newer = latest.with_untracked(|l| {
            l.get(&key)
                .is_none_or(|old| old.timestamp < value.timestamp)
        });
        if !newer {
            continue;
        }
        series.update(|all| match all.iter_mut().find(|s| s.vital == vital) {
            Some(s) => s.push_reading(value.timestamp, value.valeur),
            None => {
                let mut s = Series {
                    vital,
                    window,
                    points: Vec::new(),
                };
                s.push_reading(value.timestamp, value.valeur);
                all.push(s);
                all.sort_by_key(|s| s.vital.code());
            }
        });
        latest.update(|l| {
            l.insert(key, value);
        });
    }
}

#[component]
fn Live(
    overview: Overview,
    alerts: Vec<VitalAlert>,
    can_acknowledge: bool,
    window: RwSignal<ChartWindow>,
    rendered_at: Timestamp,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_clock(rendered_at);
    let shown = overview.window;
    let patient = overview.patient;
    let latest = RwSignal::new(overview.latest);
    let series = RwSignal::new(overview.series);
    let alert_list = RwSignal::new(alerts);
    let failure = RwSignal::new(None::<UiError>);
    let news2 = Signal::derive(move || {
        latest.with(|l| News2::score(&Observations::from_map(l, now.get()), Spo2Scale::One))
    });
    let readings_link = use_live(
        format!("/ws/iot/{patient}/"),
        Some(r#"{"type":"get_latest"}"#.to_owned()),
        move |message: Value| {
            if message["type"] == "iot_data"
                && let Ok(data) = serde_json::from_value(message["data"].clone())
            {
                merge_readings(data, latest, series, shown);
            }
        },
    );
    let _alerts_link = use_live(
        format!("/ws/alerts/{patient}/"),
        None,
        move |message: Value| match message["type"].as_str() {
            Some("alerts") => {
                if let Ok(list) = serde_json::from_value::<Vec<VitalAlert>>(message["data"].clone())
                {
                    alert_list.update(|all| list.into_iter().for_each(|a| upsert(all, a)));
                }
            }
            Some("alert") => {
                if let Ok(alert) = serde_json::from_value::<VitalAlert>(message["data"].clone()) {
                    alert_list.update(|all| upsert(all, alert));
                }
            }
            _ => {}
        },
    );
    let acknowledge = can_acknowledge.then(|| {
        Callback::new(move |id: i64| {
            leptos::task::spawn_local(async move {
                match acknowledge_vital_alert(id).await {
                    Ok(alert) => alert_list.update(|all| upsert(all, alert)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    });
    let series_of = move |vital: Vital| {
        Signal::derive(move || {
            series.with(|all| {
                all.iter()
                    .find(|s| s.vital == vital)
                    .cloned()
                    .unwrap_or(Series {
                        vital,
                        window: shown,
                        points: Vec::new(),
                    })
            })
        })
    };
    view! {
        <div class="mt-3 flex flex-wrap items-center gap-3">
            <LinkStatus link=readings_link />
        </div>
        <ErrorBanner error=failure />
        <div class="mt-4 grid gap-4 lg:grid-cols-3">
            <div class="lg:col-span-2"><VitalCards latest now /></div>
            <News2Panel news2 />
        </div>
        <section class="mt-6">
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.v.charts_title)}</h2>
                <div role="group" aria-label=move || i18n.t(|t| t.v.charts_title) class="inline-flex rounded-lg border border-slate-300 bg-white p-0.5">
                    {ChartWindow::ALL.iter().map(|w| {
                        let w = *w;
                        view! {
                            <button type="button" data-testid=format!("window-{}", w.as_str())
                                aria-pressed=move || (window.get() == w).to_string()
                                class="rounded-md px-3 py-1 text-sm aria-[pressed=true]:bg-teal-700 aria-[pressed=true]:text-white"
                                on:click=move |_| window.set(w)>
                                {move || window_name(i18n.tr().v, w)}
                            </button>
                        }
                    }).collect_view()}
                </div>
            </div>
            <Show when=move || series.with(|s| !s.is_empty()) fallback=move || view! {
                <p class=format!("mt-2 {CARD} text-sm text-slate-600") data-testid="charts-empty">{move || i18n.t(|t| t.v.chart_empty)}</p>
            }>
                <div class="mt-2 grid gap-3 md:grid-cols-2" data-testid="charts">
                    <For each=move || series.with(|s| s.iter().map(|x| x.vital).collect::<Vec<_>>()) key=|v| *v let:vital>
                        <VitalChart series=series_of(vital) now />
                    </For>
                </div>
            </Show>
        </section>
        <div class="mt-6"><AlertList alerts=alert_list acknowledge /></div>
    }
}

/// `/doctor/monitoring`: every patient in the doctor's care, most urgent first.
#[component]
pub fn MonitoringPage() -> impl IntoView {
    let i18n = use_i18n();
    let board = Resource::new(|| (), |_| care_board());
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.v.board_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.v.board_intro)}</p>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(rows) => view! { <LiveBoard rows /> }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn sort_board(rows: &mut [BoardRow]) {
    rows.sort_by(|a, b| b.urgency().cmp(&a.urgency()).then(a.name.cmp(&b.name)));
}

/// The board, live over the doctor's socket (its code is fetched when the
/// page shows it).
#[island(lazy)]
fn LiveBoard(rows: Vec<BoardRow>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = RwSignal::new(rows);
    let latest_alert = RwSignal::new(None::<VitalAlert>);
    let link = use_live(
        "/ws/monitoring/mine/".to_owned(),
        None,
        move |message: Value| {
            match message["type"].as_str() {
                Some("board") => {
                    if let Ok(fresh) =
                        serde_json::from_value::<Vec<BoardRow>>(message["data"].clone())
                    {
                        rows.set(fresh);
                    }
                }
                Some("iot_data") => {
                    let patient = message["patient"].as_i64();
                    let Ok(data) = serde_json::from_value::<BTreeMap<String, LatestValue>>(
                        message["data"].clone(),
                    ) else {
                        return;
                    };
                    rows.update(|all| {
                        if let Some(row) = all.iter_mut().find(|r| Some(r.patient) == patient) {
                            row.latest.extend(data);
                            row.news2 = News2::score(
                                &Observations::from_map(&row.latest, Timestamp::now()),
                                Spo2Scale::One,
                            );
                        }
                        sort_board(all);
                    });
                }
                Some("alert") => {
                    if let Ok(alert) = serde_json::from_value::<VitalAlert>(message["data"].clone())
                    {
                        if message["change"] == "raised"
                            && alert.niveau.rank() >= AlertLevel::Critical.rank()
                        {
                            latest_alert.set(Some(alert));
                        }
                        // Counts and worst levels come from the server.
                        leptos::task::spawn_local(async move {
                            if let Ok(fresh) = care_board().await {
                                rows.set(fresh);
                            }
                        });
                    }
                }
                Some("patient_removed") => {
                    let patient = message["patient"].as_i64();
                    rows.update(|all| all.retain(|r| Some(r.patient) != patient));
                }
                _ => {}
            }
        },
    );
    view! {
        <div class="mt-3"><LinkStatus link /></div>
        {move || latest_alert.get().map(|a| view! {
            <div role="alert" data-testid="new-alert" class="mt-3 flex flex-wrap items-center gap-2 rounded-xl border border-red-300 bg-red-50 px-4 py-3 text-red-900">
                <LevelBadge level=a.niveau />
                <span class="font-semibold">{a.patient_name.clone()}</span>
                <span>{let shown = a.clone(); move || alert_title(i18n, &shown)}</span>
                <a href=format!("/doctor/patients/{}/vitals", a.patient) class="ml-auto text-sm font-semibold underline">
                    {move || i18n.t(|t| t.v.open_vitals)}
                </a>
            </div>
        })}
        <Show when=move || rows.with(|r| !r.is_empty()) fallback=move || view! {
            <p class=format!("mt-4 {CARD} text-slate-600") data-testid="board-empty">{move || i18n.t(|t| t.v.board_empty)}</p>
        }>
            <div class=format!("mt-4 overflow-x-auto {CARD} p-0") tabindex="0" role="region" aria-label=move || i18n.t(|t| t.u.table_scroll)>
                <table class="min-w-full text-sm" data-testid="board">
                    <thead class="bg-slate-50"><tr>
                        <th class="px-3 py-2 text-left font-semibold text-slate-600">{move || i18n.t(|t| t.v.col_patient)}</th>
                        <th class="px-3 py-2 text-left font-semibold text-slate-600">{move || i18n.t(|t| t.v.col_news2)}</th>
                        <th class="px-3 py-2 text-left font-semibold text-slate-600">{move || i18n.t(|t| t.v.col_alerts)}</th>
                        <th class="px-3 py-2 text-left font-semibold text-slate-600">{move || i18n.t(|t| t.v.col_values)}</th>
                    </tr></thead>
                    <tbody class="divide-y divide-slate-100">
                        {move || rows.get().into_iter().map(|row| view! { <BoardLine row /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </Show>
    }
}

#[component]
fn BoardLine(row: BoardRow) -> impl IntoView {
    let i18n = use_i18n();
    let news2 = row.news2.clone();
    let values = [
        Vital::HeartRate,
        Vital::Spo2,
        Vital::RespiratoryRate,
        Vital::Temperature,
        Vital::Systolic,
    ]
    .into_iter()
    .filter_map(|v| row.latest.get(v.as_str()).map(|l| (v, l.valeur)))
    .collect::<Vec<_>>();
    view! {
        <tr data-testid="board-row" data-patient=row.patient>
            <td class="px-3 py-2 font-medium">
                <a href=format!("/doctor/patients/{}/vitals", row.patient) class="text-teal-800 underline">{row.name.clone()}</a>
            </td>
            <td class="px-3 py-2"><News2Badge news2=Signal::stored(news2) /></td>
            <td class="px-3 py-2" data-testid="board-alerts" data-count=row.active_alerts>
                {match row.worst_level {
                    Some(level) => view! { <span class="inline-flex items-center gap-1"><LevelBadge level />" × "{row.active_alerts}</span> }.into_any(),
                    None => view! { <span class="text-slate-500">"0"</span> }.into_any(),
                }}
            </td>
            <td class="px-3 py-2 text-slate-700">
                {values.into_iter().map(|(vital, value)| view! {
                    <span class="mr-3 whitespace-nowrap" title=move || vital_name(i18n.tr().v, vital)>
                        {move || value_text(i18n.lang(), vital, value)}" "{vital.spec().symbol}
                    </span>
                }).collect_view()}
            </td>
        </tr>
    }
}
