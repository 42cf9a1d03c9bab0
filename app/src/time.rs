//! Instants as people read them: one function writes every instant a page
//! shows (lists, notifications, records, charts, chat, devices, the trail),
//! in the reader's time zone and language, with the date whenever it is not
//! today.
//!
//! The reader's zone is decided on the server for each request (the zone set
//! in their account, else their browser's — one cookie keeps either — else
//! the clinic's) and written
//! into `<html data-tz>`, so the browser renders with the same zone the server
//! did and hydration matches. The server turns an instant into wall-clock time
//! with jiff's bundled time zone database; the browser asks its own
//! (`Intl.DateTimeFormat`), so the WebAssembly carries no database.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};

use crate::i18n::{I18n, Lang};

/// The clinic's zone: what readers see before their browser has said its own.
pub const CLINIC_ZONE: &str = "Europe/Paris";
/// The cookie where the browser keeps the reader's IANA time zone.
pub const ZONE_COOKIE: &str = "medplat_tz";
/// Marks a zone in [`ZONE_COOKIE`] that comes from the account (set at
/// sign-in and when saved), which the browser must not replace with its own.
pub const ACCOUNT_ZONE: &str = "account~";

/// The wall-clock time of `at` in `zone` (UTC if the zone is unknown).
pub fn civil_in(zone: &str, at: Timestamp) -> DateTime {
    #[cfg(feature = "hydrate")]
    {
        if let Some(civil) = browser::civil_in(zone, at) {
            return civil;
        }
        at.to_zoned(jiff::tz::TimeZone::UTC).datetime()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
        at.to_zoned(tz).datetime()
    }
}

/// Whether `zone` names a time zone this server knows.
#[cfg(feature = "ssr")]
pub fn known_zone(zone: &str) -> bool {
    zone.len() <= 64 && jiff::tz::TimeZone::get(zone).is_ok()
}

/// A day as the reader writes it: "aujourd’hui" / "today", else
/// "mar. 08/12" / "Tue 8 Dec", with the year when it is not this year's.
pub fn day_words(lang: Lang, day: Date, today: Date) -> String {
    let u = lang.tr().u;
    if day == today {
        return u.today.to_owned();
    }
    let weekday = u.weekdays_short[day.weekday().to_monday_zero_offset() as usize];
    let month = u.months_short[(day.month() - 1) as usize];
    match (lang, day.year() == today.year()) {
        (Lang::Fr, true) => format!("{weekday} {:02}/{:02}", day.day(), day.month()),
        (Lang::Fr, false) => format!("{:02}/{:02}/{}", day.day(), day.month(), day.year()),
        (Lang::En, true) => format!("{weekday} {} {month}", day.day()),
        (Lang::En, false) => format!("{} {month} {}", day.day(), day.year()),
    }
}

/// "14:05".
pub fn hour_words(at: DateTime) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// The one way an instant is written: "aujourd’hui 14:05", "mar. 08/12 09:30",
/// "Tue 8 Dec 09:30", "24/11/2025 18:00".
pub fn moment_words(lang: Lang, at: DateTime, today: Date) -> String {
    format!("{} {}", day_words(lang, at.date(), today), hour_words(at))
}

impl I18n {
    /// An instant in the reader's zone and language (reactive on both).
    pub fn moment(&self, at: Timestamp) -> String {
        let zone = self.zone();
        let today = civil_in(&zone, Timestamp::now()).date();
        moment_words(self.lang(), civil_in(&zone, at), today)
    }

    /// A Unix-millisecond instant, as [`I18n::moment`].
    pub fn moment_ms(&self, ms: i64) -> String {
        Timestamp::from_millisecond(ms)
            .map(|at| self.moment(at))
            .unwrap_or_default()
    }

    /// The reader's day of an instant ("aujourd’hui", "mar. 08/12").
    pub fn day_of(&self, at: Timestamp) -> String {
        let zone = self.zone();
        let today = civil_in(&zone, Timestamp::now()).date();
        day_words(self.lang(), civil_in(&zone, at).date(), today)
    }

    /// The reader's day of a Unix-millisecond instant.
    pub fn day_of_ms(&self, ms: i64) -> String {
        Timestamp::from_millisecond(ms)
            .map(|at| self.day_of(at))
            .unwrap_or_default()
    }

    /// The reader's clock time of an instant ("14:05").
    pub fn hour(&self, at: Timestamp) -> String {
        hour_words(civil_in(&self.zone(), at))
    }
}

/// The browser's own zone and clock.
#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use jiff::Timestamp;
    use jiff::civil::DateTime;
    use js_sys::{Array, Date, Intl, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    thread_local! {
        /// One formatter per zone: building one costs more than using it.
        static FORMATS: RefCell<HashMap<String, Intl::DateTimeFormat>> = RefCell::new(HashMap::new());
    }

    fn formatter(zone: &str) -> Option<Intl::DateTimeFormat> {
        FORMATS.with(|formats| {
            if let Some(format) = formats.borrow().get(zone) {
                return Some(format.clone());
            }
            let options = Object::new();
            for (key, value) in [
                ("timeZone", zone),
                ("hourCycle", "h23"),
                ("year", "numeric"),
                ("month", "numeric"),
                ("day", "numeric"),
                ("hour", "numeric"),
                ("minute", "numeric"),
                ("second", "numeric"),
            ] {
                Reflect::set(&options, &key.into(), &value.into()).ok()?;
            }
            // Built through Reflect so an unknown zone is an error, not a throw.
            let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
            let constructor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into())
                .ok()?
                .dyn_into()
                .ok()?;
            let args = Array::of2(&Array::of1(&JsValue::from_str("en-US")), &options);
            let format: Intl::DateTimeFormat = Reflect::construct(&constructor, &args)
                .ok()?
                .unchecked_into();
            formats.borrow_mut().insert(zone.to_owned(), format.clone());
            Some(format)
        })
    }

    /// `at` in `zone`, as the browser's time zone database has it.
    pub fn civil_in(zone: &str, at: Timestamp) -> Option<DateTime> {
        let date = Date::new(&JsValue::from_f64(at.as_millisecond() as f64));
        let parts = formatter(zone)?.format_to_parts(&date);
        let mut fields = [0i32; 6];
        for part in parts.iter() {
            let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
            let slot = match kind.as_str() {
                "year" => 0,
                "month" => 1,
                "day" => 2,
                "hour" => 3,
                "minute" => 4,
                "second" => 5,
                _ => continue,
            };
            fields[slot] = Reflect::get(&part, &"value".into())
                .ok()?
                .as_string()?
                .parse()
                .ok()?;
        }
        let [year, month, day, hour, minute, second] = fields;
        DateTime::new(
            i16::try_from(year).ok()?,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
            i8::try_from(hour % 24).ok()?,
            i8::try_from(minute).ok()?,
            i8::try_from(second).ok()?,
            0,
        )
        .ok()
    }

    /// The browser's IANA time zone.
    pub fn own_zone() -> Option<String> {
        let format = Intl::DateTimeFormat::new(&Array::new(), &Object::new());
        Reflect::get(&format.resolved_options(), &"timeZone".into())
            .ok()?
            .as_string()
    }
}

/// After hydration: the browser writes its zone into the cookie the server
/// reads, so the next page is rendered in it. The page already shown keeps the
/// zone it was rendered in (changing it now would redraw every time on screen).
pub fn remember_browser_zone() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(zone) = browser::own_zone() else {
            return;
        };
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() else {
            return;
        };
        let cookie = format!("{ZONE_COOKIE}={zone}");
        let cookies = html.cookie().unwrap_or_default();
        let from_account = format!("{ZONE_COOKIE}={ACCOUNT_ZONE}");
        if cookies.split("; ").any(|c| c.starts_with(&from_account)) {
            return;
        }
        if !cookies.split("; ").any(|c| c == cookie) {
            let _ = html.set_cookie(&format!("{cookie}; path=/; max-age=31536000; samesite=lax"));
        }
    }
}
