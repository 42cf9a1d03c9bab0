//! Vital signs on screen: cards (value, unit, normal range, status, age),
//! NEWS2, charts drawn as SVG (rendered on the server, redrawn in the browser
//! as readings arrive) and the alert list.

use std::collections::BTreeMap;

use domain::vitals::charts::{ChartWindow, Series};
use domain::vitals::news2::{News2, Parameter, Risk};
use domain::vitals::{LatestValue, Vital, VitalStatus};
use jiff::Timestamp;
use leptos::prelude::*;

use crate::components::meters::Gauge;
use crate::components::sched::CARD;
use crate::i18n::{Lang, Vitals, use_i18n};

/// The vitals a card is shown for, in the order people read them.
pub const CARD_ORDER: [Vital; 9] = [
    Vital::HeartRate,
    Vital::Spo2,
    Vital::RespiratoryRate,
    Vital::Temperature,
    Vital::Systolic,
    Vital::Diastolic,
    Vital::Glucose,
    Vital::OxygenFlow,
    Vital::Consciousness,
];

/// A vital's name.
pub fn vital_name(v: &Vitals, vital: Vital) -> &'static str {
    match vital {
        Vital::HeartRate => v.heart_rate,
        Vital::RespiratoryRate => v.respiratory_rate,
        Vital::Temperature => v.temperature,
        Vital::Spo2 => v.spo2,
        Vital::Systolic => v.systolic,
        Vital::Diastolic => v.diastolic,
        Vital::Glucose => v.glucose,
        Vital::OxygenFlow => v.oxygen_flow,
        Vital::Consciousness => v.consciousness,
    }
}

/// A value with the decimals worth showing, and a decimal comma in French.
pub fn value_text(lang: Lang, vital: Vital, value: f64) -> String {
    let text = format!("{value:.*}", usize::from(vital.spec().decimals));
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// The name of a vital given by its code (`spo2`), as the reader says it.
pub fn vital_label(lang: Lang, code: &str) -> String {
    Vital::parse_alias(code).map_or_else(
        || code.replace('_', " "),
        |vital| vital_name(lang.tr().v, vital).to_owned(),
    )
}

/// A value of a vital given by its code, with its unit as people write it.
pub fn vital_value_text(lang: Lang, code: &str, value: f64, unit: &str) -> String {
    match Vital::parse_alias(code) {
        Some(vital) => format!("{} {}", value_text(lang, vital, value), vital.spec().symbol),
        None => format!("{value} {unit}"),
    }
}

/// "il y a 3 min" / "3 min ago".
pub fn age_text(v: &Vitals, now: Timestamp, at: Timestamp) -> String {
    let secs = now.duration_since(at).as_secs().max(0);
    let amount = match secs {
        0..=29 => return v.just_now.to_owned(),
        30..=3599 => format!("{} min", (secs + 30) / 60),
        3600..=86_399 => format!("{} h", secs / 3600),
        _ => format!("{}{}", secs / 86_400, v.days_short),
    };
    format!("{}{amount}{}", v.ago_before, v.ago_after)
}

/// The current time, ticking every ten seconds in the browser (ages of
/// values stay true while a page stays open). It starts at `rendered_at`,
/// the time the server rendered the page (an island's prop, so the same on
/// both sides): what depends on the time (which values NEWS2 still counts,
/// their ages) hydrates exactly as the server drew it, and the browser's
/// own clock takes over once hydration is done.
pub fn use_clock(rendered_at: Timestamp) -> ReadSignal<Timestamp> {
    let (now, set_now) = signal(rendered_at);
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| set_now.set(Timestamp::now()));
        if let Ok(handle) = set_interval_with_handle(
            move || set_now.set(Timestamp::now()),
            std::time::Duration::from_secs(10),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_now;
    now
}

/// One vital's card.
#[component]
pub fn VitalCard(
    vital: Vital,
    #[prop(into)] value: Signal<Option<LatestValue>>,
    now: ReadSignal<Timestamp>,
) -> impl IntoView {
    let i18n = use_i18n();
    let spec = vital.spec();
    let status = move || value.get().map(|v| vital.status(v.valeur));
    let tone = move || match status() {
        Some(VitalStatus::Normal) => "border-emerald-200 bg-emerald-50",
        Some(VitalStatus::Low | VitalStatus::High) => "border-amber-300 bg-amber-50",
        None => "border-slate-200 bg-white",
    };
    let status_text = move || {
        let v = i18n.tr().v;
        status().map(|s| match s {
            VitalStatus::Low => v.status_low,
            VitalStatus::Normal => v.status_normal,
            VitalStatus::High => v.status_high,
        })
    };
    let shown = move || {
        value
            .get()
            .map(|v| value_text(i18n.lang(), vital, v.valeur))
            .unwrap_or_else(|| "—".to_owned())
    };
    let range = move || {
        let (low, high) = spec.normal;
        let lang = i18n.lang();
        format!(
            "{} {}–{} {}",
            i18n.tr().v.normal_range,
            value_text(lang, vital, low),
            value_text(lang, vital, high),
            spec.symbol
        )
    };
    let age = move || {
        value
            .get()
            .map(|v| age_text(i18n.tr().v, now.get(), v.timestamp))
    };
    view! {
        <article class=move || format!("rounded-2xl border p-4 shadow-sm {}", tone())
            data-testid=format!("vital-{}", vital.as_str())
            data-status=move || status().map(|s| match s { VitalStatus::Low => "low", VitalStatus::Normal => "normal", VitalStatus::High => "high" })>
            <h3 class="text-sm font-medium text-slate-600">{move || vital_name(i18n.tr().v, vital)}</h3>
            <p class="mt-1 text-3xl font-bold text-slate-900">
                <span data-testid="vital-value">{shown}</span>
                <span class="ml-1 text-base font-medium text-slate-500">{spec.symbol}</span>
            </p>
            <p class="mt-1 flex flex-wrap items-center gap-x-2 text-xs text-slate-600">
                {move || status_text().map(|s| view! { <span class="font-semibold">{s}</span> })}
                {(spec.normal.1 > spec.normal.0).then(|| view! { <span>{range}</span> })}
            </p>
            {(spec.normal.1 > spec.normal.0).then(|| {
                let (min, max) = gauge_scale(vital);
                move || value.get().map(|v| {
                    let label = format!("{} {} {}, {}", vital_name(i18n.tr().v, vital), value_text(i18n.lang(), vital, v.valeur), spec.symbol, range());
                    view! { <Gauge value=v.valeur min max normal=spec.normal label /> }
                })
            })}
            <p class="mt-1 text-xs text-slate-500">{age}</p>
        </article>
    }
}

/// The scale of a vital's gauge: the normal range with as much again on
/// each side, within what is plausible.
fn gauge_scale(vital: Vital) -> (f64, f64) {
    let spec = vital.spec();
    let width = spec.normal.1 - spec.normal.0;
    (
        (spec.normal.0 - width).max(spec.plausible.0),
        (spec.normal.1 + width).min(spec.plausible.1),
    )
}

/// The cards of every vital measured, or a clear empty state.
#[component]
pub fn VitalCards(
    latest: RwSignal<BTreeMap<String, LatestValue>>,
    now: ReadSignal<Timestamp>,
) -> impl IntoView {
    let i18n = use_i18n();
    let measured = move || {
        latest.with(|l| {
            CARD_ORDER
                .into_iter()
                .filter(|v| l.contains_key(v.as_str()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || !measured().is_empty() fallback=move || view! {
            <p class=format!("{CARD} text-slate-600") data-testid="no-readings">{move || i18n.t(|t| t.v.no_readings)}</p>
        }>
            <div class="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="vital-cards">
                <For each=measured key=|v| *v let:vital>
                    <VitalCard vital value=Signal::derive(move || latest.with(|l| l.get(vital.as_str()).cloned())) now />
                </For>
            </div>
        </Show>
    }
}

fn risk_text(v: &Vitals, risk: Risk) -> &'static str {
    match risk {
        Risk::Low => v.risk_low,
        Risk::LowMedium => v.risk_low_medium,
        Risk::Medium => v.risk_medium,
        Risk::High => v.risk_high,
    }
}

fn risk_class(risk: Risk) -> &'static str {
    match risk {
        Risk::Low => "bg-emerald-100 text-emerald-900",
        Risk::LowMedium => "bg-yellow-100 text-yellow-900",
        Risk::Medium => "bg-orange-200 text-orange-950",
        Risk::High => "bg-red-600 text-white",
    }
}

fn parameter_name(v: &Vitals, p: Parameter) -> &'static str {
    match p {
        Parameter::RespiratoryRate => v.respiratory_rate,
        Parameter::Spo2 => v.spo2,
        Parameter::AirOrOxygen => v.air_or_oxygen,
        Parameter::Systolic => v.systolic,
        Parameter::Pulse => v.heart_rate,
        Parameter::Consciousness => v.consciousness,
        Parameter::Temperature => v.temperature,
    }
}

/// A NEWS2 score as a small badge (boards, lists).
#[component]
pub fn News2Badge(#[prop(into)] news2: Signal<Option<News2>>) -> impl IntoView {
    let i18n = use_i18n();
    move || match news2.get() {
        Some(n) => {
            let label = format!(
                "{} {} — {}",
                i18n.tr().v.news2_title,
                news2_score_text(&n),
                risk_text(i18n.tr().v, n.risk)
            );
            view! {
                <span class=format!("inline-flex min-w-10 justify-center rounded-full px-2.5 py-1 text-sm font-bold {}", risk_class(n.risk))
                    title=label.clone() aria-label=label data-testid="news2-badge" data-risk=n.risk.as_str() data-score=n.score>
                    {news2_score_text(&n)}
                </span>
            }
            .into_any()
        }
        None => view! { <span class="text-sm text-slate-500" data-testid="news2-badge">"—"</span> }
            .into_any(),
    }
}

/// A NEWS2 score as shown everywhere: the score, "≥ score" when parameters
/// were not measured, "—" when nothing measured scored yet.
pub fn news2_score_text(n: &News2) -> String {
    match (n.complete(), n.score) {
        (true, score) => score.to_string(),
        (false, 0) => "—".to_owned(),
        (false, score) => format!("≥ {score}"),
    }
}

/// NEWS2 with its parts and what was not measured.
#[component]
pub fn News2Panel(#[prop(into)] news2: Signal<Option<News2>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class=CARD data-testid="news2">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.v.news2_title)}</h2>
            {move || match news2.get() {
                None => view! { <p class="mt-2 text-sm text-slate-600">{move || i18n.t(|t| t.v.news2_none)}</p> }.into_any(),
                Some(n) => {
                    let v = i18n.tr().v;
                    let missing = n.missing.iter().map(|p| parameter_name(v, *p)).collect::<Vec<_>>().join(", ");
                    view! {
                        <div class="mt-2 flex items-center gap-3">
                            <span class=format!("rounded-xl px-4 py-2 text-3xl font-bold {}", risk_class(n.risk))
                                data-testid="news2-score" data-risk=n.risk.as_str()>
                                {news2_score_text(&n)}
                            </span>
                            <span class="font-semibold text-slate-800">{risk_text(v, n.risk)}</span>
                        </div>
                        <ul class="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm text-slate-700">
                            {n.parts.iter().map(|p| view! {
                                <li class="flex justify-between gap-2"><span>{parameter_name(v, p.parameter)}</span><span class="font-semibold">{p.score}</span></li>
                            }).collect_view()}
                        </ul>
                        {(!n.complete()).then(|| view! {
                            <p class="mt-2 text-xs text-slate-500" data-testid="news2-missing">{v.news2_partial}" "{missing}</p>
                        })}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 150.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 2.0;

/// One vital's chart over its window: the normal range shaded, the range of
/// values (min to max) per bucket as a band, and the mean as a line.
#[component]
pub fn VitalChart(series: Signal<Series>, now: ReadSignal<Timestamp>) -> impl IntoView {
    let i18n = use_i18n();
    let drawing = move || {
        let s = series.get();
        let spec = s.vital.spec();
        let to = now
            .get()
            .as_millisecond()
            .max(s.points.last().map_or(0, |p| p.at));
        let from = to - s.window.span().as_millis() as i64;
        let (mut low, mut high) = spec.normal;
        for p in &s.points {
            low = low.min(p.min);
            high = high.max(p.max);
        }
        let pad = ((high - low) * 0.1).max(1.0);
        let (low, high) = (low - pad, high + pad);
        let x = |at: i64| LEFT + (at - from) as f64 / (to - from).max(1) as f64 * (WIDTH - LEFT);
        let y = |v: f64| (HEIGHT - BOTTOM) * (1.0 - (v - low) / (high - low));
        let mean: Vec<String> = s
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.at), y(p.mean)))
            .collect();
        let band: Vec<String> = s
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.at), y(p.max)))
            .chain(
                s.points
                    .iter()
                    .rev()
                    .map(|p| format!("{:.1},{:.1}", x(p.at), y(p.min))),
            )
            .collect();
        let normal = (y(spec.normal.1), y(spec.normal.0));
        let lang = i18n.lang();
        let last = s.points.last().map(|p| (x(p.at), y(p.mean)));
        let summary = format!(
            "{} — {}{} min {}, max {} {}",
            vital_name(i18n.tr().v, s.vital),
            window_name(i18n.tr().v, s.window),
            i18n.tr().colon,
            value_text(
                lang,
                s.vital,
                s.points.iter().map(|p| p.min).fold(f64::INFINITY, f64::min)
            ),
            value_text(
                lang,
                s.vital,
                s.points
                    .iter()
                    .map(|p| p.max)
                    .fold(f64::NEG_INFINITY, f64::max)
            ),
            spec.symbol,
        );
        let label = summary.clone();
        // The plot stretches to the card's width; its labels are HTML, so
        // the text keeps its shape.
        let (high_text, low_text) = (
            value_text(lang, s.vital, high),
            value_text(lang, s.vital, low),
        );
        view! {
            <div class="relative">
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") class="block h-40 w-full" role="img" aria-label=label
                    preserveAspectRatio="none" data-points=s.points.len()>
                    <title>{summary}</title>
                    {(spec.normal.1 > spec.normal.0).then(|| view! {
                        <rect x=LEFT y=normal.0 width=WIDTH - LEFT height=(normal.1 - normal.0).max(0.0) class="fill-emerald-50" />
                    })}
                    <line x1=LEFT y1=HEIGHT - BOTTOM x2=WIDTH y2=HEIGHT - BOTTOM class="stroke-slate-300" stroke-width="1" vector-effect="non-scaling-stroke" />
                    <polygon points=band.join(" ") class="fill-teal-100" />
                    <polyline points=mean.join(" ") fill="none" class="stroke-teal-700" stroke-width="2" vector-effect="non-scaling-stroke" />
                    {last.map(|(cx, cy)| view! { <circle cx=cx cy=cy r="3" class="fill-teal-800" /> })}
                </svg>
                <span aria-hidden="true" class="pointer-events-none absolute left-0 top-0 text-[11px] text-slate-500">{high_text}</span>
                <span aria-hidden="true" class="pointer-events-none absolute bottom-0 left-0 text-[11px] text-slate-500">{low_text}</span>
            </div>
            <div aria-hidden="true" class="mt-1 flex justify-between gap-2 text-[11px] text-slate-500">
                <span>{i18n.moment_ms(from)}</span>
                <span>{i18n.moment_ms(to)}</span>
            </div>
        }
    };
    view! {
        <figure class=CARD data-testid=move || format!("chart-{}", series.with(|s| s.vital.as_str()))>
            <figcaption class="text-sm font-semibold text-slate-700">
                {move || vital_name(i18n.tr().v, series.with(|s| s.vital))}
                <span class="ml-1 font-normal text-slate-500">{move || series.with(|s| s.vital.spec().symbol)}</span>
            </figcaption>
            {drawing}
        </figure>
    }
}

/// A chart window's name.
pub fn window_name(v: &Vitals, window: ChartWindow) -> &'static str {
    match window {
        ChartWindow::Hour => v.window_hour,
        ChartWindow::Day => v.window_day,
        ChartWindow::Week => v.window_week,
    }
}

pub use super::alerts::{AlertList, LevelBadge, alert_detail, alert_title};
