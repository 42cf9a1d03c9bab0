//! `/admin/stats` and `/doctor/stats`: the statistics of a period (the
//! platform's, a specialty's or a doctor's for administrators; their own for
//! a doctor), as figures, charts and their data, with a CSV per chart. Days
//! and hours are the reader's.

use domain::accounts::Specialty;
use domain::stats::{STATUSES, Statistics, StatsQuery, StatsTable};
use jiff::civil::Date;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_location, use_query_map};

use super::access_trail::{id_param, search_of, with_search};
use crate::api::accounts::{list_accounts, list_specialties};
use crate::api::stats::read_statistics;
use crate::components::charts::{Bar, Bars, ChartFrame, Columns, HourGrid, Legend, Series};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{LABEL, TH};
use crate::components::sched::{CARD, INPUT, PRIMARY, kind_label, status_label};
use crate::i18n::{Lang, Tr, use_i18n};

/// The filter fields, as the URL carries them.
const FIELDS: [&str; 4] = ["from", "to", "specialty", "doctor_id"];

/// The fill of a status in the charts.
fn status_fill(status: &str) -> &'static str {
    match status {
        "completed" => "fill-teal-800",
        "confirmed" => "fill-teal-500",
        "pending" => "fill-amber-400",
        "no_show" => "fill-red-600",
        "cancelled" => "fill-slate-400",
        _ => "fill-slate-300",
    }
}

/// A share as the reader writes it: "12 %" / "12%".
pub fn percent(lang: Lang, rate: Option<f64>) -> String {
    match rate {
        None => "—".into(),
        Some(r) => {
            let value = (r * 1000.0).round() / 10.0;
            let text = if value.fract() == 0.0 {
                format!("{value:.0}")
            } else if lang == Lang::Fr {
                format!("{value:.1}").replace('.', ",")
            } else {
                format!("{value:.1}")
            };
            match lang {
                Lang::Fr => format!("{text}\u{202f}%"),
                Lang::En => format!("{text}%"),
            }
        }
    }
}

/// A wait in seconds, in minutes, hours or days.
fn wait_text(t: &Tr, seconds: Option<i64>) -> String {
    let Some(s) = seconds else {
        return "—".into();
    };
    let g = t.g;
    match s {
        s if s < 3600 => format!("{}\u{a0}{}", (s + 59) / 60, g.minutes),
        s if s < 48 * 3600 => format!("{}\u{a0}{}", (s + 1800) / 3600, g.hours),
        s => format!("{}\u{a0}{}", (s + 43_200) / 86_400, g.days),
    }
}

/// A `YYYY-MM-DD` day written short: "07/12" / "7 Dec".
fn short_day(lang: Lang, day: &str) -> String {
    let Ok(d) = day.parse::<Date>() else {
        return day.to_owned();
    };
    match lang {
        Lang::Fr => format!("{:02}/{:02}", d.day(), d.month()),
        Lang::En => format!(
            "{} {}",
            d.day(),
            lang.tr().u.months_short[(d.month() - 1) as usize]
        ),
    }
}

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

/// A specialty's name in the reader's language.
fn specialty_name(lang: Lang, names: &[Specialty], code: Option<&str>) -> String {
    crate::components::medical::specialty_text(lang, names, code)
}

#[component]
fn Figures(
    stats: Statistics,
    names: Vec<Specialty>,
    csv: Callback<StatsTable, String>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let lang = i18n.lang();
        let t = lang.tr();
        let g = t.g;
        let s = &stats;
        let total: i64 = s.by_status.iter().map(|c| c.count).sum();
        let held: i64 = s.by_kind.iter().map(|c| c.count).sum();
        let remote = s
            .by_kind
            .iter()
            .find(|c| c.code == "remote")
            .map_or(0, |c| c.count);
        let (offered, booked) = s
            .doctors
            .iter()
            .fold((0, 0), |(o, b), d| (o + d.offered, b + d.booked));
        let period = format!(
            "{} — {}",
            crate::components::sched::date_text(lang, &s.first),
            crate::components::sched::date_text(lang, &s.last)
        );
        let card = |label: &'static str, value: String, testid: &'static str| {
            view! {
                <div class=CARD data-testid=testid>
                    <p class="text-sm text-slate-600">{label}</p>
                    <p class="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
                </div>
            }
        };
        view! {
            <p class="mt-4 text-sm text-slate-600" data-testid="stats-period">{format!("{}{}{period}", g.period, t.colon)}</p>
            <div class="mt-2 grid grid-cols-2 gap-3 lg:grid-cols-5">
                {card(g.appointments, total.to_string(), "stat-total")}
                {card(g.no_show_rate, percent(lang, s.no_show_rate), "stat-no-show")}
                {card(g.cancellation_rate, percent(lang, s.cancellation_rate), "stat-cancelled")}
                {card(g.remote_share, percent(lang, (held > 0).then(|| remote as f64 / held as f64)), "stat-remote")}
                {card(g.occupancy, percent(lang, (offered > 0).then(|| booked as f64 / offered as f64)), "stat-occupancy")}
            </div>
            <div class="mt-4 grid gap-4 lg:grid-cols-2">
                <div class="lg:col-span-2">{appointments_chart(lang, s, csv.run(StatsTable::Appointments))}</div>
                {busiest_chart(lang, s, csv.run(StatsTable::Busiest))}
                {kinds_chart(lang, s, csv.run(StatsTable::Kinds))}
                {occupancy_chart(lang, s, &names, false, csv.run(StatsTable::Doctors))}
                {occupancy_chart(lang, s, &names, true, csv.run(StatsTable::Specialties))}
                {lead_chart(lang, s, csv.run(StatsTable::LeadTimes))}
                {alerts_chart(lang, s, csv.run(StatsTable::Alerts))}
                {s.assistant.clone().map(|a| assistant_chart(lang, &a, csv.run(StatsTable::Assistant)))}
                {s.delivery.clone().map(|d| delivery_chart(lang, &d, csv.run(StatsTable::Delivery)))}
            </div>
        }
    }
}

/// A data table: its header and rows of cells.
fn table(head: Vec<String>, rows: Vec<Vec<String>>) -> AnyView {
    view! {
        <table class="min-w-full divide-y divide-slate-200 text-sm">
            <thead class="bg-slate-50"><tr>{head.into_iter().map(|h| view! { <th class=TH>{h}</th> }).collect_view()}</tr></thead>
            <tbody class="divide-y divide-slate-100">
                {rows.into_iter().map(|r| view! {
                    <tr>{r.into_iter().map(|c| view! { <td class="whitespace-nowrap px-3 py-1.5 tabular-nums">{c}</td> }).collect_view()}</tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn empty(text: &'static str) -> AnyView {
    view! { <p class="text-sm text-slate-600" data-testid="chart-empty">{text}</p> }.into_any()
}

fn appointments_chart(lang: Lang, s: &Statistics, csv: String) -> AnyView {
    let t = lang.tr();
    let title = if s.weekly { t.g.per_week } else { t.g.per_day };
    let categories: Vec<String> = s
        .appointments
        .iter()
        .map(|p| short_day(lang, &p.day))
        .collect();
    let used: Vec<&str> = STATUSES
        .iter()
        .copied()
        .filter(|st| s.appointments.iter().any(|p| p.of(st) > 0))
        .collect();
    let series: Vec<Series> = used
        .iter()
        .map(|st| Series {
            label: status_label(t.s, st).to_owned(),
            fill: status_fill(st),
            values: s.appointments.iter().map(|p| p.of(st)).collect(),
        })
        .collect();
    let total: i64 = s.appointments.iter().map(|p| p.total()).sum();
    let mut head = vec![(if s.weekly { t.g.col_week } else { t.g.col_day }).to_owned()];
    head.extend(used.iter().map(|st| status_label(t.s, st).to_owned()));
    head.push(t.g.col_total.to_owned());
    let rows = s
        .appointments
        .iter()
        .map(|p| {
            let mut row = vec![crate::components::sched::date_text(lang, &p.day)];
            row.extend(used.iter().map(|st| p.of(st).to_string()));
            row.push(p.total().to_string());
            row
        })
        .collect();
    let legend: Vec<(String, &'static str)> =
        series.iter().map(|x| (x.label.clone(), x.fill)).collect();
    let label = format!("{} : {total}", title);
    view! {
        <ChartFrame title=title.to_owned() testid="chart-appointments" csv table=table(head, rows)>
            {if total == 0 { empty(t.g.empty_appointments) } else { view! {
                <Columns label categories series />
                <Legend series=legend />
            }.into_any() }}
        </ChartFrame>
    }
    .into_any()
}

fn busiest_chart(lang: Lang, s: &Statistics, csv: String) -> AnyView {
    let t = lang.tr();
    let weekdays: Vec<String> = t.u.weekdays_short.iter().map(|d| (*d).to_owned()).collect();
    let total: i64 = s.busiest.iter().flatten().sum();
    let mut head = vec![t.g.col_hour.to_owned()];
    head.extend(weekdays.iter().cloned());
    let rows = (0..24)
        .filter(|h| {
            s.busiest
                .iter()
                .any(|row| row.get(*h).copied().unwrap_or(0) > 0)
        })
        .map(|h| {
            let mut row = vec![format!("{h:02}:00")];
            row.extend(
                s.busiest
                    .iter()
                    .map(|r| r.get(h).copied().unwrap_or(0).to_string()),
            );
            row
        })
        .collect();
    let label = format!("{} : {total}", t.g.busiest);
    let body = if total == 0 {
        empty(t.g.empty_appointments)
    } else {
        let cells = s.busiest.clone();
        view! { <HourGrid label weekdays cells /> }.into_any()
    };
    view! {
        <ChartFrame title=t.g.busiest.to_owned() hint=t.g.busiest_hint.to_owned() testid="chart-busiest" csv table=table(head, rows)>
            {body}
        </ChartFrame>
    }
    .into_any()
}

fn kinds_chart(lang: Lang, s: &Statistics, csv: String) -> AnyView {
    let t = lang.tr();
    let held: i64 = s.by_kind.iter().map(|c| c.count).sum();
    let rows_data: Vec<Bar> = s
        .by_kind
        .iter()
        .map(|c| Bar {
            label: kind_label(t.s, &c.code).to_owned(),
            share: c.count as f64 / held.max(1) as f64,
            text: format!(
                "{} ({})",
                c.count,
                percent(lang, Some(c.count as f64 / held.max(1) as f64))
            ),
            fill: if c.code == "remote" {
                "fill-sky-600"
            } else {
                "fill-teal-600"
            },
        })
        .collect();
    let rows = s
        .by_kind
        .iter()
        .map(|c| vec![kind_label(t.s, &c.code).to_owned(), c.count.to_string()])
        .collect();
    view! {
        <ChartFrame title=t.g.kinds.to_owned() testid="chart-kinds" csv table=table(vec![t.g.kinds.to_owned(), t.g.col_count.to_owned()], rows)>
            {if held == 0 { empty(t.g.empty_appointments) } else { view! { <Bars label=t.g.kinds.to_owned() rows=rows_data /> }.into_any() }}
        </ChartFrame>
    }
    .into_any()
}

fn occupancy_chart(
    lang: Lang,
    s: &Statistics,
    names: &[Specialty],
    by_specialty: bool,
    csv: String,
) -> AnyView {
    let t = lang.tr();
    let list = if by_specialty {
        &s.specialties
    } else {
        &s.doctors
    };
    let title = if by_specialty {
        t.g.by_specialty
    } else {
        t.g.by_doctor
    };
    let name = |o: &domain::stats::Occupancy| {
        if by_specialty {
            specialty_name(lang, names, o.specialty.as_deref())
        } else {
            o.name.clone()
        }
    };
    let bars: Vec<Bar> = list
        .iter()
        .map(|o| Bar {
            label: name(o),
            share: o.rate().unwrap_or(0.0),
            text: percent(lang, o.rate()),
            fill: "fill-teal-600",
        })
        .collect();
    let mut head = vec![
        (if by_specialty {
            t.g.specialty
        } else {
            t.g.doctor
        })
        .to_owned(),
    ];
    if !by_specialty {
        head.push(t.g.specialty.to_owned());
    }
    head.extend([t.g.col_offered, t.g.col_booked, t.g.col_rate].map(str::to_owned));
    let rows = list
        .iter()
        .map(|o| {
            let mut row = vec![name(o)];
            if !by_specialty {
                row.push(specialty_name(lang, names, o.specialty.as_deref()));
            }
            row.extend([
                o.offered.to_string(),
                o.booked.to_string(),
                percent(lang, o.rate()),
            ]);
            row
        })
        .collect();
    let testid = if by_specialty {
        "chart-specialties"
    } else {
        "chart-doctors"
    };
    let body = if list.is_empty() {
        empty(t.g.empty_doctors)
    } else {
        view! { <Bars label=title.to_owned() rows=bars /> }.into_any()
    };
    view! {
        <ChartFrame title=title.to_owned() testid csv table=table(head, rows)>
            {body}
        </ChartFrame>
    }
    .into_any()
}

fn lead_chart(lang: Lang, s: &Statistics, csv: String) -> AnyView {
    let t = lang.tr();
    let name = |l: &domain::stats::LeadTime| {
        if lang == Lang::Fr {
            l.name_fr.clone()
        } else {
            l.name_en.clone()
        }
    };
    let longest = s
        .lead_times
        .iter()
        .filter_map(|l| l.hours)
        .max()
        .unwrap_or(0)
        .max(1);
    let bars: Vec<Bar> = s
        .lead_times
        .iter()
        .map(|l| Bar {
            label: name(l),
            share: l.hours.map_or(1.0, |h| h as f64 / longest as f64),
            text: match l.hours {
                Some(h) => wait_text(t, Some(h * 3600)),
                None => t.g.none_free.to_owned(),
            },
            fill: if l.hours.is_some() {
                "fill-sky-600"
            } else {
                "fill-slate-300"
            },
        })
        .collect();
    let rows = s
        .lead_times
        .iter()
        .map(|l| {
            vec![
                name(l),
                l.first_free
                    .map(|ms| lang_moment(lang, ms))
                    .unwrap_or_else(|| t.g.none_free.to_owned()),
                l.hours
                    .map_or_else(|| "—".into(), |h| wait_text(t, Some(h * 3600))),
            ]
        })
        .collect();
    let head = vec![
        t.g.specialty.to_owned(),
        t.g.col_first_free.to_owned(),
        t.g.col_wait.to_owned(),
    ];
    view! {
        <ChartFrame title=t.g.lead_times.to_owned() hint=t.g.lead_hint.to_owned() testid="chart-lead-times" csv table=table(head, rows)>
            {if bars.is_empty() { empty(t.g.empty_doctors) } else { view! { <Bars label=t.g.lead_times.to_owned() rows=bars /> }.into_any() }}
        </ChartFrame>
    }
    .into_any()
}

/// An instant in the reader's zone and language.
fn lang_moment(_lang: Lang, ms: i64) -> String {
    use_i18n().moment_ms(ms)
}

fn level_name(t: &Tr, level: &str) -> &'static str {
    match level {
        "emergency" => t.v.level_emergency,
        "critical" => t.v.level_critical,
        "warning" => t.v.level_warning,
        _ => t.v.level_info,
    }
}

fn alerts_chart(lang: Lang, s: &Statistics, csv: String) -> AnyView {
    let t = lang.tr();
    let most = s.alerts.iter().map(|a| a.raised).max().unwrap_or(0).max(1);
    let bars: Vec<Bar> = s
        .alerts
        .iter()
        .map(|a| Bar {
            label: level_name(t, &a.level).to_owned(),
            share: a.raised as f64 / most as f64,
            text: match a.median_seconds {
                Some(_) => format!(
                    "{} · {} {}",
                    a.raised,
                    t.g.col_median.to_lowercase(),
                    wait_text(t, a.median_seconds)
                ),
                None => a.raised.to_string(),
            },
            fill: match a.level.as_str() {
                "emergency" | "critical" => "fill-red-600",
                "warning" => "fill-amber-500",
                _ => "fill-sky-600",
            },
        })
        .collect();
    let head = [
        t.g.col_level,
        t.g.col_raised,
        t.g.col_acknowledged,
        t.g.col_median,
        t.g.col_p90,
    ]
    .map(str::to_owned)
    .to_vec();
    let rows = s
        .alerts
        .iter()
        .map(|a| {
            vec![
                level_name(t, &a.level).to_owned(),
                a.raised.to_string(),
                a.acknowledged.to_string(),
                wait_text(t, a.median_seconds),
                wait_text(t, a.p90_seconds),
            ]
        })
        .collect();
    view! {
        <ChartFrame title=t.g.alerts.to_owned() testid="chart-alerts" csv table=table(head, rows)>
            {if bars.is_empty() { empty(t.g.empty_alerts) } else { view! { <Bars label=t.g.alerts.to_owned() rows=bars /> }.into_any() }}
        </ChartFrame>
    }
    .into_any()
}

fn assistant_chart(lang: Lang, a: &domain::stats::AssistantUse, csv: String) -> AnyView {
    let t = lang.tr();
    let share = |n: i64| n as f64 / a.answers.max(1) as f64;
    let parts = [
        (t.g.understood, a.understood, "fill-teal-600"),
        (t.g.emergencies, a.emergencies, "fill-red-600"),
        (t.g.not_understood, a.not_understood, "fill-slate-400"),
    ];
    let bars: Vec<Bar> = parts
        .iter()
        .map(|(label, n, fill)| Bar {
            label: (*label).to_owned(),
            share: share(*n),
            text: format!("{n} ({})", percent(lang, Some(share(*n)))),
            fill,
        })
        .collect();
    let rows = parts
        .iter()
        .map(|(label, n, _)| vec![(*label).to_owned(), n.to_string()])
        .collect();
    let title = format!("{} — {}", t.g.assistant, percent(lang, a.understood_rate()));
    let body = if a.answers == 0 {
        empty(t.g.empty_assistant)
    } else {
        view! { <Bars label=title.clone() rows=bars /> }.into_any()
    };
    view! {
        <ChartFrame title=title.clone() testid="chart-assistant" csv table=table(vec![t.g.col_answers.to_owned(), t.g.col_count.to_owned()], rows)>
            {body}
        </ChartFrame>
    }
    .into_any()
}

fn delivery_chart(lang: Lang, d: &[domain::stats::Delivery], csv: String) -> AnyView {
    let t = lang.tr();
    let channel = |c: &str| match c {
        "sms" => t.o.sms,
        "whatsapp" => t.o.whatsapp,
        _ => t.o.email,
    };
    let bars: Vec<Bar> = d
        .iter()
        .map(|x| Bar {
            label: channel(&x.channel).to_owned(),
            share: x.delivered_rate().unwrap_or(0.0),
            text: format!("{} / {}", percent(lang, x.delivered_rate()), x.total()),
            fill: "fill-teal-600",
        })
        .collect();
    let statuses = ["delivered", "sent", "queued", "failed", "dropped"];
    let mut head = vec![t.g.col_channel.to_owned()];
    head.extend(statuses.iter().map(|s| t.o.status(s).to_owned()));
    head.push(t.g.col_delivered.to_owned());
    let rows = d
        .iter()
        .map(|x| {
            let mut row = vec![channel(&x.channel).to_owned()];
            row.extend(statuses.iter().map(|s| {
                x.by_status
                    .iter()
                    .find(|c| c.code == *s)
                    .map_or(0, |c| c.count)
                    .to_string()
            }));
            row.push(percent(lang, x.delivered_rate()));
            row
        })
        .collect();
    view! {
        <ChartFrame title=t.g.delivery.to_owned() testid="chart-delivery" csv table=table(head, rows)>
            {if bars.is_empty() { empty(t.g.empty_delivery) } else { view! { <Bars label=t.g.delivery.to_owned() rows=bars /> }.into_any() }}
        </ChartFrame>
    }
    .into_any()
}
