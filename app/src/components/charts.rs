//! Charts drawn as SVG in the page itself, so they are rendered on the
//! server and read without WebAssembly: stacked columns (a period), bars
//! (a share per row) and a weekday × hour grid. Shapes are SVG attributes
//! and theme classes (the CSP allows no inline style); words are HTML
//! beside the drawing, so they keep their size on a phone. Each chart has
//! an accessible name, its data in a table a click away, and a CSV link.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// Class of a chart's card.
pub const CHART_CARD: &str = "min-w-0 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm";

/// One stacked series: its name, its fill class, a value per category.
#[derive(Clone)]
pub struct Series {
    pub label: String,
    pub fill: &'static str,
    pub values: Vec<i64>,
}

/// A chart's frame: its title, the drawing, a legend or notes, its data
/// table (folded) and its CSV link.
#[component]
pub fn ChartFrame(
    title: String,
    #[prop(optional)] hint: Option<String>,
    testid: &'static str,
    csv: String,
    table: AnyView,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <figure class=CHART_CARD data-testid=testid>
            <figcaption class="flex flex-wrap items-baseline justify-between gap-2">
                <h2 class="text-base font-semibold text-slate-800">{title}</h2>
                <a href=csv download rel="external" class="text-sm text-teal-800 underline" data-testid="chart-csv">{move || i18n.t(|t| t.g.csv)}</a>
            </figcaption>
            {hint.map(|h| view! { <p class="mt-1 text-xs text-slate-600">{h}</p> })}
            <div class="mt-3">{children()}</div>
            <details class="mt-3 text-sm">
                <summary class="cursor-pointer text-teal-800">{move || i18n.t(|t| t.g.data)}</summary>
                <div class="mt-2 overflow-x-auto" tabindex="0" role="region" aria-label=move || i18n.t(|t| t.u.table_scroll)>{table}</div>
            </details>
        </figure>
    }
}

/// The legend of stacked series.
#[component]
pub fn Legend(series: Vec<(String, &'static str)>) -> impl IntoView {
    view! {
        <ul class="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
            {series.into_iter().map(|(label, fill)| view! {
                <li class="flex items-center gap-1">
                    <svg viewBox="0 0 10 10" class="h-3 w-3" aria-hidden="true"><rect width="10" height="10" rx="2" class=fill /></svg>
                    {label}
                </li>
            }).collect_view()}
        </ul>
    }
}

const W: f64 = 600.0;
const H: f64 = 160.0;

/// Stacked columns, one per category (days or weeks), with the highest
/// total and the first, middle and last category written beside them.
#[component]
pub fn Columns(
    /// What the drawing shows, for screen readers.
    label: String,
    categories: Vec<String>,
    series: Vec<Series>,
) -> impl IntoView {
    let n = categories.len().max(1);
    let totals: Vec<i64> = (0..n)
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    // An even top, so the middle line has a whole number.
    let top = totals.iter().copied().max().unwrap_or(0).max(1);
    let top = top + top % 2;
    let step = W / n as f64;
    let bar = (step * 0.8).max(1.0);
    let mut rects = Vec::new();
    for i in 0..n {
        let mut base = H;
        for s in &series {
            let v = s.values.get(i).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            let h = v as f64 / top as f64 * H;
            base -= h;
            rects.push(view! {
                <rect x=format!("{:.2}", i as f64 * step + (step - bar) / 2.0) y=format!("{base:.2}")
                    width=format!("{bar:.2}") height=format!("{h:.2}") class=s.fill>
                    <title>{format!("{} — {} : {v}", categories[i], s.label)}</title>
                </rect>
            });
        }
    }
    let ticks: Vec<String> = match categories.len() {
        0 => Vec::new(),
        1 => vec![categories[0].clone()],
        2 => categories.clone(),
        len => vec![
            categories[0].clone(),
            categories[len / 2].clone(),
            categories[len - 1].clone(),
        ],
    };
    view! {
        <div class="flex gap-2">
            <div aria-hidden="true" class="flex w-8 shrink-0 flex-col justify-between text-right text-[11px] text-slate-600">
                <span>{top}</span><span>{top / 2}</span><span>"0"</span>
            </div>
            <div class="min-w-0 flex-1">
                <svg viewBox=format!("0 0 {W} {H}") preserveAspectRatio="none" class="block h-44 w-full" role="img" aria-label=label>
                    <line x1="0" y1=H / 2.0 x2=W y2=H / 2.0 class="stroke-slate-200" stroke-width="1" vector-effect="non-scaling-stroke" />
                    <line x1="0" y1=H x2=W y2=H class="stroke-slate-400" stroke-width="1" vector-effect="non-scaling-stroke" />
                    {rects}
                </svg>
                <div aria-hidden="true" class="mt-1 flex justify-between gap-2 text-[11px] text-slate-600">
                    {ticks.into_iter().map(|t| view! { <span>{t}</span> }).collect_view()}
                </div>
            </div>
        </div>
    }
}

/// One row of a bar list: its name, how much of the bar it fills (0–1),
/// and the words written after it.
#[derive(Clone)]
pub struct Bar {
    pub label: String,
    pub share: f64,
    pub text: String,
    pub fill: &'static str,
}

/// Horizontal bars, one row each.
#[component]
pub fn Bars(label: String, rows: Vec<Bar>) -> impl IntoView {
    view! {
        <ul class="space-y-2" aria-label=label>
            {rows.into_iter().map(|row| {
                let width = format!("{:.1}", (row.share.clamp(0.0, 1.0) * 100.0));
                let title = row.label.clone();
                view! {
                    <li class="grid grid-cols-[minmax(0,9rem)_minmax(0,1fr)_auto] items-center gap-2 text-sm">
                        <span class="truncate text-slate-700" title=title>{row.label}</span>
                        <svg viewBox="0 0 100 10" preserveAspectRatio="none" class="block h-3 w-full" aria-hidden="true">
                            <rect width="100" height="10" rx="2" class="fill-slate-100" />
                            <rect width=width height="10" rx="2" class=row.fill />
                        </svg>
                        <span class="whitespace-nowrap text-right tabular-nums text-slate-800">{row.text}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The fill of a grid cell by its share of the busiest cell.
fn heat(value: i64, top: i64) -> &'static str {
    if value == 0 {
        return "fill-slate-100";
    }
    match value * 5 / top.max(1) {
        0 => "fill-teal-100",
        1 => "fill-teal-300",
        2 => "fill-teal-500",
        3 => "fill-teal-700",
        _ => "fill-teal-900",
    }
}

/// Grid classes by number of columns (written out so the stylesheet has them).
const GRID_COLUMNS: [&str; 24] = [
    "grid-cols-1",
    "grid-cols-2",
    "grid-cols-3",
    "grid-cols-4",
    "grid-cols-5",
    "grid-cols-6",
    "grid-cols-7",
    "grid-cols-8",
    "grid-cols-9",
    "grid-cols-10",
    "grid-cols-11",
    "grid-cols-12",
    "grid-cols-13",
    "grid-cols-14",
    "grid-cols-15",
    "grid-cols-16",
    "grid-cols-17",
    "grid-cols-18",
    "grid-cols-19",
    "grid-cols-20",
    "grid-cols-21",
    "grid-cols-22",
    "grid-cols-23",
    "grid-cols-24",
];

/// A weekday × hour grid, darker where busier; hours with nothing on any
/// day are left out at both ends.
#[component]
pub fn HourGrid(label: String, weekdays: Vec<String>, cells: Vec<Vec<i64>>) -> impl IntoView {
    let used = |h: usize| cells.iter().any(|row| row.get(h).copied().unwrap_or(0) > 0);
    let first = (0..24).find(|&h| used(h)).unwrap_or(8);
    let last = (0..24).rev().find(|&h| used(h)).unwrap_or(18).max(first);
    let hours = last - first + 1;
    let top = cells.iter().flatten().copied().max().unwrap_or(0);
    let mut rects = Vec::new();
    for (d, row) in cells.iter().enumerate() {
        for h in first..=last {
            let v = row.get(h).copied().unwrap_or(0);
            rects.push(view! {
                <rect x=(h - first).to_string() y=d.to_string() width="0.94" height="0.9" class=heat(v, top)>
                    <title>{format!("{} {h:02}:00 — {v}", weekdays.get(d).cloned().unwrap_or_default())}</title>
                </rect>
            });
        }
    }
    // One column per hour, under its cells; every third hour named.
    let marks: Vec<String> = (first..=last)
        .map(|h| {
            if h % 3 == 0 || hours <= 8 {
                format!("{h}h")
            } else {
                String::new()
            }
        })
        .collect();
    view! {
        <div class="flex gap-2">
            <div aria-hidden="true" class="flex w-10 shrink-0 flex-col justify-around text-[11px] text-slate-600">
                {weekdays.iter().map(|d| view! { <span>{d.clone()}</span> }).collect_view()}
            </div>
            <div class="min-w-0 flex-1">
                <svg viewBox=format!("0 0 {hours} 7") preserveAspectRatio="none" class="block h-40 w-full" role="img" aria-label=label>
                    {rects}
                </svg>
                <div aria-hidden="true" class=format!("mt-1 grid text-[11px] text-slate-600 {}", GRID_COLUMNS[hours.clamp(1, 24) - 1])>
                    {marks.into_iter().map(|h| view! { <span>{h}</span> }).collect_view()}
                </div>
            </div>
        </div>
    }
}
