//! Alerts on vital signs as people read them: the level badge, the list with
//! acknowledgement, and each alert's title and values built from its
//! condition in the reader's language.

use domain::vitals::Vital;
use domain::vitals::alerts::{AlertLevel, VitalAlert};
use leptos::prelude::*;

use super::vitals::{value_text, vital_name};
use crate::components::sched::CARD;
use crate::i18n::{I18n, Vitals, use_i18n};

fn level_text(v: &Vitals, level: AlertLevel) -> &'static str {
    match level {
        AlertLevel::Info => v.level_info,
        AlertLevel::Warning => v.level_warning,
        AlertLevel::Critical => v.level_critical,
        AlertLevel::Emergency => v.level_emergency,
    }
}

fn level_class(level: AlertLevel) -> &'static str {
    match level {
        AlertLevel::Info => "bg-sky-100 text-sky-900",
        AlertLevel::Warning => "bg-amber-100 text-amber-900",
        AlertLevel::Critical => "bg-orange-200 text-orange-950",
        AlertLevel::Emergency => "bg-red-600 text-white",
    }
}

/// A level as a small badge.
#[component]
pub fn LevelBadge(level: AlertLevel) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("rounded-full px-2 py-0.5 text-xs font-semibold {}", level_class(level)) data-level=level.as_str()>
            {move || level_text(i18n.tr().v, level)}
        </span>
    }
}

/// Alerts, active first then newest; `acknowledge` offered on active,
/// unacknowledged ones when given.
#[component]
pub fn AlertList(
    alerts: RwSignal<Vec<VitalAlert>>,
    acknowledge: Option<Callback<i64>>,
    #[prop(optional)] show_patient: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let sorted = move || {
        let mut list = alerts.get();
        list.sort_by(|a, b| {
            a.cleared_at
                .is_some()
                .cmp(&b.cleared_at.is_some())
                .then(b.niveau.rank().cmp(&a.niveau.rank()))
                .then(b.updated_at.cmp(&a.updated_at))
        });
        list
    };
    view! {
        <section class=CARD>
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.v.alerts_title)}</h2>
            <Show when=move || alerts.with(|a| !a.is_empty()) fallback=move || view! {
                <p class="mt-2 text-sm text-slate-600" data-testid="alerts-empty">{move || i18n.t(|t| t.v.alerts_empty)}</p>
            }>
                <ul class="mt-2 divide-y divide-slate-100" data-testid="alert-list">
                    <For each=sorted key=|a| (a.id, a.updated_at, a.acquittee, a.cleared_at.is_some()) let:alert>
                        <AlertItem alert=alert.clone() acknowledge show_patient />
                    </For>
                </ul>
            </Show>
        </section>
    }
}

/// What an alert is about, in the reader's language, from its condition
/// (`spo2_low`, `news2`, `no_signal:12`, `low_battery:12`) and level.
pub fn alert_title(i18n: I18n, alert: &VitalAlert) -> String {
    let v = i18n.tr().v;
    let condition = alert.condition.as_str();
    if condition == "news2" {
        let band = if alert.niveau == AlertLevel::Emergency {
            v.risk_high
        } else {
            v.risk_medium
        };
        return format!("NEWS2{}{band}", i18n.tr().colon);
    }
    if condition.starts_with("no_signal") {
        return v.alert_no_signal.to_owned();
    }
    if condition.starts_with("low_battery") {
        return v.alert_low_battery.to_owned();
    }
    match condition
        .rsplit_once('_')
        .and_then(|(code, side)| Some((Vital::parse(code)?, side)))
    {
        Some((vital, "low")) => format!("{} {}", vital_name(v, vital), v.side_low),
        Some((vital, _)) => format!("{} {}", vital_name(v, vital), v.side_high),
        None => alert.titre.clone(),
    }
}

/// An alert's values, labelled: the latest and the worst (with the normal
/// range), the NEWS2 score, or the device concerned.
pub fn alert_detail(i18n: I18n, alert: &VitalAlert) -> String {
    let tr = i18n.tr();
    let v = tr.v;
    let lang = i18n.lang();
    let device = alert.device_name.clone().unwrap_or_default();
    let condition = alert.condition.as_str();
    if condition == "news2" {
        let score = alert.last_value.or(alert.first_value).unwrap_or_default();
        return format!("{}{}{score:.0}", v.news2_title, tr.colon);
    }
    if condition.starts_with("no_signal") {
        return format!("{device} — {}", v.alert_no_signal_detail);
    }
    if condition.starts_with("low_battery") {
        let level = alert.last_value.or(alert.first_value).unwrap_or_default();
        return format!("{device} — {}{}{level:.0} %", v.col_battery, tr.colon);
    }
    let Some(vital) = condition
        .rsplit_once('_')
        .and_then(|(code, _)| Vital::parse(code))
    else {
        return alert.message.clone();
    };
    let spec = vital.spec();
    let value = |x: f64| format!("{} {}", value_text(lang, vital, x), spec.symbol);
    let mut parts = Vec::new();
    if let Some(last) = alert.last_value.or(alert.first_value) {
        parts.push(format!("{}{}{}", v.latest, tr.colon, value(last)));
    }
    if let Some(peak) = alert.peak_value {
        parts.push(format!("{}{}{}", v.worst, tr.colon, value(peak)));
    }
    if spec.normal.1 > spec.normal.0 {
        parts.push(format!(
            "{} {}–{} {}",
            v.normal_range,
            value_text(lang, vital, spec.normal.0),
            value_text(lang, vital, spec.normal.1),
            spec.symbol
        ));
    }
    parts.join(" · ")
}

#[component]
fn AlertItem(
    alert: VitalAlert,
    acknowledge: Option<Callback<i64>>,
    show_patient: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = alert.id;
    let active = alert.cleared_at.is_none();
    let state = if !active {
        "cleared"
    } else if alert.acquittee {
        "acknowledged"
    } else {
        "active"
    };
    let can_ack = active && !alert.acquittee && acknowledge.is_some();
    let when = alert.date_creation.as_millisecond();
    let count = alert.count;
    let escalated = alert.escalated_at.is_some();
    view! {
        <li class="flex flex-wrap items-start justify-between gap-2 py-2" data-testid="alert" data-alert-id=id
            data-state=state data-condition=alert.condition.clone()>
            <div class="min-w-0">
                <p class="flex flex-wrap items-center gap-2">
                    <LevelBadge level=alert.niveau />
                    <span class="font-semibold text-slate-900" data-testid="alert-title">{let a = alert.clone(); move || alert_title(i18n, &a)}</span>
                    {show_patient.then(|| view! { <span class="text-sm text-slate-600">{alert.patient_name.clone()}</span> })}
                </p>
                <p class="text-sm text-slate-700" data-testid="alert-detail">{let a = alert.clone(); move || alert_detail(i18n, &a)}</p>
                <p class="text-xs text-slate-500">
                    {move || i18n.moment_ms(when)}
                    {(count > 1).then(|| view! { <span>" · "{count}" "{move || i18n.t(|t| t.v.repeats)}</span> })}
                    {escalated.then(|| view! { <span class="font-semibold text-red-700">" · "{move || i18n.t(|t| t.v.escalated)}</span> })}
                </p>
            </div>
            <div class="shrink-0 text-sm">
                {match (can_ack, acknowledge) {
                    (true, Some(ack)) => view! {
                        <button type="button" class=crate::components::sched::PRIMARY data-testid="acknowledge"
                            on:click=move |_| ack.run(id)>{move || i18n.t(|t| t.v.acknowledge)}</button>
                    }.into_any(),
                    _ if !active => view! { <span class="text-slate-500">{move || i18n.t(|t| t.v.alert_cleared)}</span> }.into_any(),
                    _ if state == "acknowledged" => view! { <span class="font-semibold text-emerald-700">{move || i18n.t(|t| t.v.acknowledged)}</span> }.into_any(),
                    _ => view! { <span class="font-semibold text-amber-800">{move || i18n.t(|t| t.v.alert_active)}</span> }.into_any(),
                }}
            </div>
        </li>
    }
}
