//! Finding a doctor and booking from the browser: the directory, a doctor's
//! week of free slots, booking, the patient's appointments and waitlist,
//! notifications and calendar feeds.
//!
//! Times travel as RFC 3339 instants plus what the page shows (local date and
//! time in the doctor's zone), so the browser never needs a time zone database.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::UiError;

/// A doctor in search results or on their page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorCard {
    pub id: i64,
    pub name: String,
    pub specialty_fr: Option<String>,
    pub specialty_en: Option<String>,
    pub bio: String,
    pub phone: String,
    pub address: String,
    pub languages: Vec<String>,
    pub timezone: String,
    pub offers_in_person: bool,
    pub offers_remote: bool,
    /// The next free slot within four weeks, shown in the doctor's zone.
    pub next_free: Option<LocalTime>,
}

/// An instant, and its day and clock time in the reader's zone (to group
/// slots by day); people read it through [`crate::i18n::I18n::moment`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTime {
    pub at: jiff::Timestamp,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`.
    pub time: String,
    /// 0 = Monday.
    pub weekday: u8,
}

#[cfg(feature = "ssr")]
pub(crate) fn local_time(at: jiff::Timestamp, tz: &str) -> LocalTime {
    let tz = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    let local = at.to_zoned(tz);
    LocalTime {
        at,
        date: local.date().to_string(),
        time: local.strftime("%H:%M").to_string(),
        weekday: local.weekday().to_monday_zero_offset() as u8,
    }
}

#[cfg(feature = "ssr")]
fn card(d: domain::store::doctors::DoctorListing, next: Option<jiff::Timestamp>) -> DoctorCard {
    DoctorCard {
        id: d.id,
        name: format!("{} {}", d.first_name, d.last_name),
        specialty_fr: d.specialty.as_ref().map(|s| s.name_fr.clone()),
        specialty_en: d.specialty.as_ref().map(|s| s.name_en.clone()),
        next_free: next.map(|at| local_time(at, &crate::session::current_reader_zone())),
        bio: d.bio,
        phone: d.phone,
        address: d.address,
        languages: d.languages,
        timezone: d.timezone,
        offers_in_person: d.offers_in_person,
        offers_remote: d.offers_remote,
    }
}

#[cfg(feature = "ssr")]
fn parse_kind(raw: &str) -> Result<Option<domain::scheduling::ConsultationType>, UiError> {
    match raw.trim() {
        "" => Ok(None),
        raw => Ok(Some(domain::scheduling::ConsultationType::parse(
            "consultation_type",
            raw,
        )?)),
    }
}

#[cfg(feature = "ssr")]
fn parse_date(field: &'static str, raw: &str) -> Result<Option<jiff::civil::Date>, UiError> {
    match raw.trim() {
        "" => Ok(None),
        raw => Ok(Some(domain::bounds::parse_date(field, raw)?)),
    }
}

/// Doctors by specialty, name, consultation type and earliest free day.
#[server]
pub async fn search_doctors(
    specialty: String,
    q: String,
    consultation_type: String,
    available_by: String,
) -> Result<Vec<DoctorCard>, UiError> {
    use crate::session::{require_principal, services};
    use domain::services::directory::DoctorSearch;
    require_principal()?;
    let search = DoctorSearch {
        specialty: Some(specialty),
        name: Some(q),
        consultation_type: parse_kind(&consultation_type)?,
        available_by: parse_date("available_by", &available_by)?,
    };
    let found = services()?
        .directory
        .search(&search, jiff::Timestamp::now())
        .await?;
    Ok(found
        .into_iter()
        .map(|m| {
            let next = m.next_free.map(|f| f.slot.starts_at);
            card(m.doctor, next)
        })
        .collect())
}

/// One free slot of a week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeSlotView {
    pub start: LocalTime,
    pub end_time: String,
    pub remaining: i32,
    /// `in_person`, `remote` or `both`.
    pub consultation_type: String,
    pub location: Option<String>,
}

/// A day of the week view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayView {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub weekday: u8,
    /// Before today (doctor's zone).
    pub past: bool,
    pub slots: Vec<FreeSlotView>,
}

/// A doctor's page: profile and a week (Monday to Sunday) of free slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekOfSlots {
    pub doctor: DoctorCard,
    pub days: Vec<DayView>,
    /// Mondays of the previous and next weeks (`YYYY-MM-DD`); no previous
    /// week before the current one.
    pub previous: Option<String>,
    pub next: String,
}

/// A doctor's profile and the free slots of the week holding `week` (default:
/// the week of the doctor's next free slot within four weeks, else this week;
/// in the doctor's zone).
#[server]
pub async fn doctor_week(doctor_id: i64, week: String) -> Result<WeekOfSlots, UiError> {
    use crate::session::{require_principal, services};
    require_principal()?;
    let services = services()?;
    let doctor = services.directory.doctor(doctor_id).await?;
    let now = jiff::Timestamp::now();
    let tz = jiff::tz::TimeZone::get(&doctor.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = now.to_zoned(tz.clone()).date();
    let this_monday = monday_of(today);
    let wanted = match parse_date("week", &week)? {
        Some(day) => day,
        None => {
            let horizon = today
                .checked_add(jiff::Span::new().days(27))
                .map_err(internal)?;
            services
                .scheduling
                .free_slots(doctor_id, today, horizon, None, now)
                .await?
                .first()
                .map_or(today, |f| f.slot.starts_at.to_zoned(tz.clone()).date())
        }
    };
    let monday = monday_of(wanted).max(this_monday);
    let sunday = monday
        .checked_add(jiff::Span::new().days(6))
        .map_err(internal)?;
    let free = services
        .scheduling
        .slots_with_full(doctor_id, monday, sunday, now)
        .await?;
    let mut days: Vec<DayView> = (0..7i64)
        .filter_map(|offset| monday.checked_add(jiff::Span::new().days(offset)).ok())
        .map(|day| DayView {
            date: day.to_string(),
            weekday: day.weekday().to_monday_zero_offset() as u8,
            past: day < today,
            slots: Vec::new(),
        })
        .collect();
    // The days are the doctor's; each slot is written in the reader's zone.
    let reader_zone = crate::session::current_reader_zone();
    for f in free {
        let start = local_time(f.slot.starts_at, &reader_zone);
        let end_time = local_time(f.slot.ends_at, &reader_zone).time;
        if let Some(day) = days.iter_mut().find(|d| d.date == start.date) {
            day.slots.push(FreeSlotView {
                start,
                end_time,
                remaining: f.remaining,
                consultation_type: f.slot.consultation_type.as_str().into(),
                location: f.slot.location,
            });
        }
    }
    let shift = |days: i64| {
        monday
            .checked_add(jiff::Span::new().days(days))
            .map(|d| d.to_string())
            .map_err(internal)
    };
    Ok(WeekOfSlots {
        doctor: card(doctor, None),
        days,
        previous: (monday > this_monday).then(|| shift(-7)).transpose()?,
        next: shift(7)?,
    })
}

#[cfg(feature = "ssr")]
fn monday_of(day: jiff::civil::Date) -> jiff::civil::Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day)
}

#[cfg(feature = "ssr")]
pub(crate) fn internal(err: impl std::fmt::Display) -> UiError {
    tracing::error!(error = %err, "server function failed");
    UiError {
        code: "unexpected".into(),
        field: None,
    }
}

/// Books a free slot (patients); the appointment waits for the doctor.
#[server]
pub async fn book_slot(
    doctor_id: i64,
    start: String,
    consultation_type: String,
    reason: String,
) -> Result<i64, UiError> {
    use crate::session::{require_principal, services};
    use domain::scheduling::ConsultationType;
    use domain::services::appointments::NewBooking;
    let starts_at = domain::bounds::parse_instant("start", &start)?;
    let booking = NewBooking {
        doctor_id,
        starts_at,
        consultation_type: parse_kind(&consultation_type)?.unwrap_or(ConsultationType::Both),
        reason,
    };
    let booked = services()?
        .appointments
        .book(&require_principal()?, &booking, jiff::Timestamp::now())
        .await?;
    leptos_axum::redirect("/patient/appointments?booked=1");
    Ok(booked.id)
}

/// Joins a doctor's waitlist for a day with no free slot left (patients).
#[server]
pub async fn join_waitlist(
    doctor_id: i64,
    date: String,
    consultation_type: String,
) -> Result<i64, UiError> {
    use crate::session::{require_principal, services};
    use domain::scheduling::ConsultationType;
    let day = parse_date("date", &date)?.ok_or_else(|| UiError {
        code: "required".into(),
        field: Some("date".into()),
    })?;
    let kind = parse_kind(&consultation_type)?.unwrap_or(ConsultationType::Both);
    let entry = services()?
        .waitlist
        .join(
            &require_principal()?,
            doctor_id,
            day,
            kind,
            jiff::Timestamp::now(),
        )
        .await?;
    Ok(entry.id)
}
