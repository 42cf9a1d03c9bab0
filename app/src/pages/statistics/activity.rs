//! The charts of activity: appointments per day or week by status, the
//! busiest hours, in-person against remote, and occupancy by doctor or by
//! specialty.

use domain::accounts::Specialty;
use domain::stats::{STATUSES, Statistics};
use leptos::prelude::*;

use super::figures::{empty, table};
use super::text::{percent, short_day, specialty_name, status_fill};
use crate::components::charts::{Bar, Bars, ChartFrame, Columns, HourGrid, Legend, Series};
use crate::components::sched::{kind_label, status_label};
use crate::i18n::Lang;

pub(super) fn appointments_chart(lang: Lang, s: &Statistics, csv: String) -> AnyView {
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

pub(super) fn busiest_chart(lang: Lang, s: &Statistics, csv: String) -> AnyView {
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

pub(super) fn kinds_chart(lang: Lang, s: &Statistics, csv: String) -> AnyView {
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

pub(super) fn occupancy_chart(
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
