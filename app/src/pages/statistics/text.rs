//! How the statistics page writes its values: shares, waits, short days,
//! specialty and alert-level names, instants, and the fill of each status.

use domain::accounts::Specialty;
use jiff::civil::Date;

use crate::i18n::{Lang, Tr, use_i18n};

/// The fill of a status in the charts.
pub(super) fn status_fill(status: &str) -> &'static str {
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
pub(super) fn wait_text(t: &Tr, seconds: Option<i64>) -> String {
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
pub(super) fn short_day(lang: Lang, day: &str) -> String {
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

/// A specialty's name in the reader's language.
pub(super) fn specialty_name(lang: Lang, names: &[Specialty], code: Option<&str>) -> String {
    crate::components::medical::specialty_text(lang, names, code)
}

/// An instant in the reader's zone and language.
pub(super) fn lang_moment(_lang: Lang, ms: i64) -> String {
    use_i18n().moment_ms(ms)
}

pub(super) fn level_name(t: &Tr, level: &str) -> &'static str {
    match level {
        "emergency" => t.v.level_emergency,
        "critical" => t.v.level_critical,
        "warning" => t.v.level_warning,
        _ => t.v.level_info,
    }
}
