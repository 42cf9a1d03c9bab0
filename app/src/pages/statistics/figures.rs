//! The statistics of a period once read: the headline figures (appointments,
//! no-show, cancellation, remote share, occupancy) above the grid of charts,
//! and the pieces every chart shares (its data table, its empty message).

use domain::accounts::Specialty;
use domain::stats::{Statistics, StatsTable};
use leptos::prelude::*;

use super::activity::{appointments_chart, busiest_chart, kinds_chart, occupancy_chart};
use super::service::{alerts_chart, assistant_chart, delivery_chart, lead_chart};
use super::text::percent;
use crate::components::medical::TH;
use crate::components::sched::CARD;
use crate::i18n::use_i18n;

#[component]
pub(super) fn Figures(
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
pub(super) fn table(head: Vec<String>, rows: Vec<Vec<String>>) -> AnyView {
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

pub(super) fn empty(text: &'static str) -> AnyView {
    view! { <p class="text-sm text-slate-600" data-testid="chart-empty">{text}</p> }.into_any()
}
