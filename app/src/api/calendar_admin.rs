//! Doctors keep their calendar from the browser (weekly ranges, exceptions,
//! booking rules, profile); administrators keep the specialties.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::UiError;

/// A weekly range as the editor lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeView {
    pub id: i64,
    /// 0 = Monday.
    pub weekday: u8,
    pub start: String,
    pub end: String,
    pub consultation_type: String,
    pub duration_minutes: i32,
    pub capacity: i32,
    pub location: Option<String>,
    pub active: bool,
}

/// An exception as the editor lists it (local times in the doctor's zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionView {
    pub id: i64,
    pub start: String,
    pub end: String,
    pub kind: String,
    pub reason: String,
    pub recurring: bool,
}

/// Everything the doctor's calendar page edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleSettings {
    pub timezone: String,
    pub min_notice_minutes: i32,
    pub max_advance_days: i32,
    pub buffer_minutes: i32,
    pub cancel_cutoff_minutes: i32,
    pub waitlist_hold_minutes: i32,
    pub ranges: Vec<RangeView>,
    pub exceptions: Vec<ExceptionView>,
    pub specialty: Option<String>,
    pub bio: String,
    pub phone: String,
    pub address: String,
    pub languages: String,
}

/// The calling doctor's calendar settings.
#[server]
pub async fn my_schedule() -> Result<ScheduleSettings, UiError> {
    use crate::session::{require_principal, services};
    let services = services()?;
    let me = require_principal()?;
    // Doctors only: the services refuse anyone else their exceptions.
    let exceptions = services
        .scheduling
        .exceptions(&me, jiff::Timestamp::now())
        .await?;
    let schedule = services.scheduling.schedule(me.user_id).await?;
    let tz = jiff::tz::TimeZone::get(&schedule.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let local = |at: jiff::Timestamp| {
        at.to_zoned(tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let hm = |t: jiff::civil::Time| format!("{:02}:{:02}", t.hour(), t.minute());
    let ranges = services.scheduling.availabilities(me.user_id).await?;
    let profile = services.directory.my_profile(&me).await?;
    let rules = schedule.rules;
    Ok(ScheduleSettings {
        ranges: ranges
            .into_iter()
            .map(|r| RangeView {
                id: r.id,
                weekday: r.weekday.to_monday_zero_offset() as u8,
                start: hm(r.start),
                end: hm(r.end),
                consultation_type: r.consultation_type.as_str().into(),
                duration_minutes: r.duration_minutes,
                capacity: r.capacity,
                location: r.location,
                active: r.active,
            })
            .collect(),
        exceptions: exceptions
            .into_iter()
            .map(|e| ExceptionView {
                id: e.exception.id,
                start: local(e.exception.starts_at),
                end: local(e.exception.ends_at),
                kind: e.exception.kind.as_str().into(),
                reason: e.reason,
                recurring: e.exception.recurring_weekly,
            })
            .collect(),
        timezone: schedule.timezone,
        min_notice_minutes: rules.min_notice_minutes,
        max_advance_days: rules.max_advance_days,
        buffer_minutes: rules.buffer_minutes,
        cancel_cutoff_minutes: rules.cancel_cutoff_minutes,
        waitlist_hold_minutes: rules.waitlist_hold_minutes,
        specialty: profile.specialty.map(|s| s.code),
        bio: profile.bio,
        phone: profile.phone,
        address: profile.address,
        languages: profile.languages.join(", "),
    })
}

#[cfg(feature = "ssr")]
fn number(field: &str, raw: &str) -> Result<Option<i64>, UiError> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw.parse().map(Some).map_err(|_| UiError {
            code: "out_of_range".into(),
            field: Some(field.into()),
        }),
    }
}

/// Adds a weekly range.
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn add_range(
    day_of_week: String,
    start_time: String,
    end_time: String,
    consultation_type: String,
    duration_minutes: String,
    max_consultations: String,
    location: String,
) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    use domain::scheduling::forms::AvailabilityForm;
    let form = AvailabilityForm {
        day_of_week: number("day_of_week", &day_of_week)?,
        start_time: Some(start_time),
        end_time: Some(end_time),
        consultation_type: Some(consultation_type),
        duration_minutes: number("duration_minutes", &duration_minutes)?,
        max_consultations: number("max_consultations", &max_consultations)?,
        location: Some(location),
        is_active: Some(true),
    };
    services()?
        .scheduling
        .add_availability(&require_principal()?, &form)
        .await?;
    Ok(())
}

/// Removes a weekly range.
#[server]
pub async fn delete_range(id: i64) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    services()?
        .scheduling
        .delete_availability(&require_principal()?, id)
        .await?;
    Ok(())
}

/// Adds an exception; `start` and `end` are local (`YYYY-MM-DDTHH:MM`, the
/// doctor's zone).
#[server]
pub async fn add_exception(
    start: String,
    end: String,
    exception_type: String,
    reason: String,
    recurring: Option<String>,
) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    use domain::scheduling::forms::ExceptionForm;
    let services = services()?;
    let me = require_principal()?;
    let schedule = services.scheduling.schedule(me.user_id).await?;
    let tz = jiff::tz::TimeZone::get(&schedule.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let instant = |raw: &str, field: &str| -> Result<String, UiError> {
        let bad = || UiError {
            code: "invalid_datetime".into(),
            field: Some(field.into()),
        };
        let local: jiff::civil::DateTime = raw.trim().parse().map_err(|_| bad())?;
        let zoned = local.to_zoned(tz.clone()).map_err(|_| bad())?;
        Ok(zoned.timestamp().to_string())
    };
    let form = ExceptionForm {
        start_datetime: Some(instant(&start, "start_datetime")?),
        end_datetime: Some(instant(&end, "end_datetime")?),
        exception_type: Some(exception_type),
        reason: Some(reason),
        is_recurring: Some(recurring.is_some()),
    };
    services.scheduling.add_exception(&me, &form).await?;
    Ok(())
}

/// Removes an exception.
#[server]
pub async fn delete_exception(id: i64) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    services()?
        .scheduling
        .delete_exception(&require_principal()?, id)
        .await?;
    Ok(())
}

/// Saves the time zone and booking rules.
#[server]
pub async fn save_rules(
    timezone: String,
    min_notice_minutes: String,
    max_advance_days: String,
    buffer_minutes: String,
    cancel_cutoff_minutes: String,
    waitlist_hold_minutes: String,
) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    use domain::scheduling::forms::ScheduleForm;
    let form = ScheduleForm {
        timezone: Some(timezone),
        min_notice_minutes: number("min_notice_minutes", &min_notice_minutes)?,
        max_advance_days: number("max_advance_days", &max_advance_days)?,
        buffer_minutes: number("buffer_minutes", &buffer_minutes)?,
        cancel_cutoff_minutes: number("cancel_cutoff_minutes", &cancel_cutoff_minutes)?,
        waitlist_hold_minutes: number("waitlist_hold_minutes", &waitlist_hold_minutes)?,
    };
    services()?
        .scheduling
        .update_schedule(&require_principal()?, &form)
        .await?;
    Ok(())
}

/// Saves the doctor's public profile.
#[server]
pub async fn save_profile(
    specialty: String,
    bio: String,
    phone: String,
    address: String,
    languages: String,
) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    use domain::doctors::{LanguageList, ProfileForm};
    let form = ProfileForm {
        specialty: Some(specialty),
        bio: Some(bio),
        phone: Some(phone),
        address: Some(address),
        languages: Some(LanguageList::Text(languages)),
    };
    services()?
        .directory
        .update_profile(&require_principal()?, &form)
        .await?;
    Ok(())
}

/// Adds a specialty (administrators).
#[server]
pub async fn add_specialty(code: String, name_fr: String, name_en: String) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    use domain::doctors::SpecialtyForm;
    let form = SpecialtyForm {
        code,
        name_fr,
        name_en,
    };
    services()?
        .directory
        .add_specialty(&require_principal()?, &form)
        .await?;
    Ok(())
}

/// Removes a specialty no doctor practises (administrators).
#[server]
pub async fn delete_specialty(id: i64) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    services()?
        .directory
        .delete_specialty(&require_principal()?, id)
        .await?;
    Ok(())
}
