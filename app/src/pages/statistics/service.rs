//! The charts of service: lead times to the first free slot, alerts and how
//! fast they were acknowledged, the assistant's answers, and message delivery
//! by channel.

use domain::stats::Statistics;
use leptos::prelude::*;

use super::figures::{empty, table};
use super::text::{lang_moment, level_name, percent, wait_text};
use crate::components::charts::{Bar, Bars, ChartFrame};
use crate::i18n::Lang;

pub(super) fn lead_chart(lang: Lang, s: &Statistics, csv: String) -> AnyView {
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

pub(super) fn alerts_chart(lang: Lang, s: &Statistics, csv: String) -> AnyView {
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

pub(super) fn assistant_chart(lang: Lang, a: &domain::stats::AssistantUse, csv: String) -> AnyView {
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

pub(super) fn delivery_chart(lang: Lang, d: &[domain::stats::Delivery], csv: String) -> AnyView {
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
