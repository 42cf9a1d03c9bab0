//! Appointments, waitlist, notifications and calendar feeds from the browser,
//! for patients, doctors and administrators alike (the services decide who
//! sees and does what).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::scheduling::LocalTime;
use crate::error::UiError;

/// An appointment as the portals show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentView {
    pub id: i64,
    pub doctor_id: i64,
    pub patient_name: String,
    pub doctor_name: String,
    /// In the doctor's zone.
    pub start: LocalTime,
    pub end_time: String,
    pub status: String,
    pub consultation_type: String,
    pub reason: String,
    pub doctor_message: String,
    pub location: Option<String>,
    /// Whether it has started (doctors may then record the outcome).
    pub started: bool,
}

/// Filters of an appointment list (empty strings mean "any").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    pub status: String,
    /// `YYYY-MM-DD`, days of the reader's zone, inclusive.
    pub from: String,
    pub to: String,
}

/// The caller's appointments (administrators: everyone's), filtered.
#[server]
pub async fn list_appointments(query: ListQuery) -> Result<Vec<AppointmentView>, UiError> {
    use super::scheduling::{internal, local_time};
    use crate::session::{require_principal, services};
    use domain::scheduling::appointments::AppointmentStatus;
    use domain::store::appointments::ListFilter;
    let reader_tz = jiff::tz::TimeZone::get(&crate::session::current_reader_zone())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let day =
        |raw: &str, field: &'static str, extra: i64| -> Result<Option<jiff::Timestamp>, UiError> {
            match raw.trim() {
                "" => Ok(None),
                raw => {
                    let date = domain::bounds::parse_date(field, raw)?;
                    let date = domain::bounds::add_days(field, date, extra)?;
                    Ok(Some(
                        date.to_zoned(reader_tz.clone())
                            .map_err(internal)?
                            .timestamp(),
                    ))
                }
            }
        };
    let status = match query.status.trim() {
        "" => None,
        raw => Some(AppointmentStatus::parse(raw)?),
    };
    let filter = ListFilter {
        status,
        from: day(&query.from, "from", 0)?,
        to: day(&query.to, "to", 1)?,
        doctor_id: None,
        patient_id: None,
    };
    let services = services()?;
    let principal = require_principal()?;
    // Appointment reasons are medical data: a page rendered on the server
    // reads (and records) them once, however often Leptos builds it.
    let key = format!("appointments/{}/{}/{}", query.status, query.from, query.to);
    let appointments = services.appointments.clone();
    let rows = crate::session::read_once(key, async move {
        Ok(appointments.appointments(&principal, filter).await?)
    })
    .await?;
    let names = services.appointments.names(&rows).await?;
    let zone = crate::session::current_reader_zone();
    let tz = zone.as_str();
    let now = jiff::Timestamp::now();
    let mut out = Vec::with_capacity(rows.len());
    for a in rows {
        out.push(AppointmentView {
            id: a.id,
            doctor_id: a.doctor_id,
            patient_name: names.get(&a.patient_id).cloned().unwrap_or_default(),
            doctor_name: names.get(&a.doctor_id).cloned().unwrap_or_default(),
            start: local_time(a.starts_at, tz),
            end_time: local_time(a.ends_at, tz).time,
            status: a.status.as_str().into(),
            consultation_type: a.consultation_type.as_str().into(),
            reason: a.reason,
            doctor_message: a.doctor_message,
            location: a.location,
            started: now >= a.starts_at,
        });
    }
    Ok(out)
}

/// Moves an appointment along: `accept`, `refuse`, `cancel`, `complete`,
/// `no_show`, with an optional message.
#[server]
pub async fn act_on_appointment(id: i64, action: String, message: String) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    use domain::scheduling::appointments::Action;
    let action = match action.as_str() {
        "accept" => Action::Accept,
        "refuse" => Action::Refuse,
        "cancel" => Action::Cancel,
        "complete" => Action::Complete,
        "no_show" => Action::MarkNoShow,
        _ => {
            return Err(UiError {
                code: "not_found".into(),
                field: None,
            });
        }
    };
    // The page reloads its list: the reason is not read here.
    services()?
        .appointments
        .act_without_reason(
            &require_principal()?,
            id,
            action,
            Some(message.as_str()),
            jiff::Timestamp::now(),
        )
        .await?;
    Ok(())
}

/// Moves the patient's appointment to another free slot of the same doctor.
#[server]
pub async fn reschedule_appointment(id: i64, start: String) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    let starts_at = domain::bounds::parse_instant("start", &start)?;
    services()?
        .appointments
        .reschedule_without_reason(&require_principal()?, id, starts_at, jiff::Timestamp::now())
        .await?;
    Ok(())
}

/// One step of an appointment's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryStep {
    pub status: String,
    pub note: String,
    pub at: jiff::Timestamp,
}

/// An appointment's history (those who may see it).
#[server]
pub async fn appointment_history(id: i64) -> Result<Vec<HistoryStep>, UiError> {
    use crate::session::{require_principal, services};
    let steps = services()?
        .appointments
        .history(&require_principal()?, id)
        .await?;
    Ok(steps
        .into_iter()
        .map(|e| HistoryStep {
            status: e.status.as_str().into(),
            note: e.note,
            at: e.at,
        })
        .collect())
}

/// A waitlist entry as the patient sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitView {
    pub id: i64,
    pub doctor_name: String,
    pub date: String,
    pub status: String,
    /// The place held, while offered.
    pub offer: Option<LocalTime>,
    /// When the offer runs out.
    pub expires: Option<jiff::Timestamp>,
}

/// The patient's waitlist entries.
#[server]
pub async fn my_waitlist() -> Result<Vec<WaitView>, UiError> {
    use super::scheduling::local_time;
    use crate::session::{require_principal, services};
    let services = services()?;
    let entries = services
        .waitlist
        .mine(&require_principal()?, jiff::Timestamp::now())
        .await?;
    let zone = crate::session::current_reader_zone();
    let mut out = Vec::new();
    for e in entries {
        let doctor = services.directory.doctor(e.doctor_id).await.ok();
        out.push(WaitView {
            id: e.id,
            doctor_name: doctor
                .as_ref()
                .map(|d| format!("{} {}", d.first_name, d.last_name))
                .unwrap_or_default(),
            date: e.day.to_string(),
            status: e.status.as_str().into(),
            offer: e.offer.map(|o| local_time(o.starts_at, &zone)),
            expires: e.offer.map(|o| o.expires_at),
        });
    }
    Ok(out)
}

/// Takes the place offered (`accept` true) or leaves the queue / turns the
/// offer down.
#[server]
pub async fn answer_waitlist(id: i64, accept: bool) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    let services = services()?;
    let principal = require_principal()?;
    let now = jiff::Timestamp::now();
    if accept {
        services.waitlist.accept(&principal, id, now).await?;
    } else {
        services.waitlist.leave(&principal, id, now).await?;
    }
    Ok(())
}

/// The caller's notifications and how many are unread.
#[server]
pub async fn my_notifications() -> Result<(Vec<domain::notifications::Notification>, i64), UiError>
{
    use crate::session::{require_principal, services};
    Ok(services()?
        .notifications
        .mine(&require_principal()?)
        .await?)
}

/// Marks all the caller's notifications read.
#[server]
pub async fn read_notifications() -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    services()?
        .notifications
        .mark_read(&require_principal()?, None)
        .await?;
    Ok(())
}

/// The caller's private calendar feed path, if any.
#[server]
pub async fn feed_path() -> Result<Option<String>, UiError> {
    use crate::session::{require_principal, services};
    let token = services()?
        .calendars
        .feed_token(&require_principal()?)
        .await?;
    Ok(token.map(|t| format!("/calendar/{t}.ics")))
}

/// Creates or renews (`revoke` false) or revokes the caller's feed.
#[server]
pub async fn manage_feed(revoke: bool) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    let calendars = services()?.calendars.clone();
    let principal = require_principal()?;
    if revoke {
        calendars.revoke_feed(&principal).await?;
    } else {
        calendars.renew_feed(&principal).await?;
    }
    Ok(())
}
