//! Bars and gauges drawn as SVG attributes, never inline styles, so the
//! Content-Security-Policy stays strict (`style-src` without `'unsafe-inline'`).

use leptos::prelude::*;

/// A horizontal bar filled to `fraction` (0–1, clamped); `label` is what a
/// screen reader hears. Empty when `fraction` is zero.
#[component]
pub fn Bar(
    /// How full, from 0 to 1.
    fraction: f64,
    /// Read by screen readers ("33 %").
    label: String,
    /// Height class of the bar (`h-2`, `h-3`).
    #[prop(default = "h-2")]
    height: &'static str,
) -> impl IntoView {
    let filled = if fraction.is_finite() {
        (fraction.clamp(0.0, 1.0) * 1000.0).round() / 10.0
    } else {
        0.0
    };
    view! {
        <svg class=format!("mt-1 block w-full {height}") viewBox="0 0 100 10" preserveAspectRatio="none"
            role="img" aria-label=label data-fill=filled>
            <rect x="0" y="0" width="100" height="10" rx="5" class="fill-slate-100" />
            {(filled > 0.0).then(|| view! {
                <rect x="0" y="0" width=filled height="10" rx="5" class="fill-teal-600" />
            })}
        </svg>
    }
}

/// Where a value sits on a scale: the scale from `min` to `max`, the normal
/// range shaded, a mark at the value (clamped to the scale's ends).
#[component]
pub fn Gauge(
    value: f64,
    min: f64,
    max: f64,
    normal: (f64, f64),
    /// Read by screen readers ("SpO2 96 %, normal 95–100").
    label: String,
) -> impl IntoView {
    let span = (max - min).max(f64::EPSILON);
    let x = |v: f64| ((v - min) / span).clamp(0.0, 1.0) * 100.0;
    let (low, high) = (x(normal.0), x(normal.1));
    let mark = x(value);
    let inside = value >= normal.0 && value <= normal.1;
    view! {
        <svg class="mt-2 block h-3 w-full" viewBox="0 0 100 12" preserveAspectRatio="none"
            role="img" aria-label=label data-position=format!("{mark:.1}")>
            <rect x="0" y="4" width="100" height="4" rx="2" class="fill-slate-200" />
            <rect x=low y="4" width=(high - low).max(0.0) height="4" class="fill-emerald-300" />
            <rect x=(mark - 1.0).clamp(0.0, 98.0) y="0" width="2" height="12"
                class=if inside { "fill-slate-800" } else { "fill-red-600" } />
        </svg>
    }
}
