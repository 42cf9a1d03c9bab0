//! Calendars: a doctor's availability as an iCalendar file, and private feed
//! URLs listing a doctor's or a patient's appointments for calendar apps.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use icalendar::EventStatus;
use jiff::{SignedDuration, Timestamp};

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::calendar::{CalEvent, availability, render};
use crate::error::{DomainError, DomainResult};
use crate::scheduling::appointments::AppointmentStatus;
use crate::services::auth::new_id;
use crate::services::scheduling::{SchedulingService, zone};
use crate::store::appointments::{self as appointments, ListFilter, Owner};
use crate::store::{Db, db_error, doctors, feeds, users};

/// Weeks of availability in the exported calendar.
pub const ICS_WEEKS: i32 = 12;

/// An iCalendar document and the file name to save it under.
#[derive(Debug, Clone)]
pub struct IcsFile {
    pub filename: String,
    pub body: String,
    /// A strong entity tag of `body` (quoted): the same exactly when the
    /// body is.
    pub etag: String,
    /// Since when the body is what it is (as far as this process knows).
    pub last_modified: Timestamp,
}

/// Availability calendars are computed for the end of the current quarter
/// hour: slots, notice and horizon on the quarter-hour grid come out as they
/// would at any instant of it, and one rendering serves the whole quarter.
const RENDER_STEP_SECONDS: i64 = 15 * 60;

/// Most availability calendars one process keeps.
const KEPT_CALENDARS: usize = 256;

/// A rendered availability calendar and what it was computed from: the
/// doctor's schedule version, the clinic settings' version and the quarter
/// hour.
struct Kept {
    key: (i64, i64, i64),
    file: std::sync::Arc<IcsFile>,
}

/// Rendered calendars by person: availability by doctor (key: schedule
/// version, settings version, quarter hour) and private feeds by owner (key:
/// feed version, day, 0).
type KeptCalendars = std::sync::Arc<std::sync::Mutex<HashMap<UserId, Kept>>>;

/// Keeps `file` for `owner` under `key` in `kept`, with the previous copy's
/// `last_modified` when the body is the same.
fn keep(
    kept: &KeptCalendars,
    owner: UserId,
    key: (i64, i64, i64),
    mut file: IcsFile,
    before: Option<std::sync::Arc<IcsFile>>,
) -> std::sync::Arc<IcsFile> {
    if let Some(before) = before.filter(|b| b.etag == file.etag) {
        file.last_modified = before.last_modified;
    }
    let file = std::sync::Arc::new(file);
    let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
    if kept.len() >= KEPT_CALENDARS && !kept.contains_key(&owner) {
        kept.clear();
    }
    kept.insert(
        owner,
        Kept {
            key,
            file: file.clone(),
        },
    );
    file
}

/// What `kept` holds for `owner`: the file when its key is `key`
/// (`Ok`), else the previous copy if any (`Err`).
fn kept_for(
    kept: &KeptCalendars,
    owner: UserId,
    key: (i64, i64, i64),
) -> Result<std::sync::Arc<IcsFile>, Option<std::sync::Arc<IcsFile>>> {
    let kept = kept.lock().unwrap_or_else(|e| e.into_inner());
    match kept.get(&owner) {
        Some(k) if k.key == key => Ok(k.file.clone()),
        Some(k) => Err(Some(k.file.clone())),
        None => Err(None),
    }
}

/// Calendar operations.
#[derive(Clone)]
pub struct CalendarService {
    db: Db,
    scheduling: SchedulingService,
    kept: KeptCalendars,
    feeds: KeptCalendars,
}

fn kind_fr(kind: crate::scheduling::ConsultationType) -> &'static str {
    match kind {
        crate::scheduling::ConsultationType::InPerson => "présentiel",
        crate::scheduling::ConsultationType::Remote => "à distance",
        crate::scheduling::ConsultationType::Both => "présentiel ou à distance",
    }
}

impl CalendarService {
    pub(crate) fn new(db: Db, scheduling: SchedulingService) -> Self {
        Self {
            db,
            scheduling,
            kept: KeptCalendars::default(),
            feeds: KeptCalendars::default(),
        }
    }

    async fn conn(&self) -> DomainResult<sqlx::pool::PoolConnection<sqlx::Any>> {
        self.db.pool().acquire().await.map_err(db_error)
    }

    /// The next 12 weeks of a doctor's availability (their own; administrators
    /// name the doctor), saved as `disponibilites_dr_<username>.ics`: one event
    /// per run of free slots of a weekly range on a day, with its free places,
    /// and busy events for full slots (see [`availability::events`]).
    ///
    /// Computed for the end of `now`'s quarter hour and kept while the
    /// doctor's schedule version (read first, from the database, so every
    /// instance sees each change) and the clinic's settings stay the same.
    pub async fn availability_ics(
        &self,
        actor: &Principal,
        doctor_id: Option<UserId>,
        now: Timestamp,
    ) -> DomainResult<std::sync::Arc<IcsFile>> {
        let doctor_id = match (actor.role, doctor_id) {
            (Role::Doctor, None) => actor.user_id,
            (Role::Doctor, Some(id)) if id == actor.user_id => id,
            (Role::Admin, Some(id)) => id,
            (Role::Admin, None) => {
                return Err(DomainError::invalid(
                    "doctor_id",
                    "required",
                    "name the doctor",
                ));
            }
            _ => return Err(DomainError::Forbidden),
        };
        let version =
            crate::store::availability::schedule_version(&mut *self.conn().await?, doctor_id)
                .await?;
        let quarter = now
            .as_second()
            .div_euclid(RENDER_STEP_SECONDS)
            .saturating_add(1)
            .saturating_mul(RENDER_STEP_SECONDS);
        let key = (version, self.scheduling.settings().version(), quarter);
        let before = match kept_for(&self.kept, doctor_id, key) {
            Ok(file) => return Ok(file),
            Err(before) => before,
        };
        let at = Timestamp::from_second(quarter).map_err(DomainError::internal)?;
        let file = self.render_availability(doctor_id, at).await?;
        Ok(keep(&self.kept, doctor_id, key, file, before))
    }

    async fn render_availability(
        &self,
        doctor_id: UserId,
        now: Timestamp,
    ) -> DomainResult<IcsFile> {
        let doctor = doctors::doctor(&mut *self.conn().await?, doctor_id)
            .await?
            .ok_or(DomainError::NotFound("doctor"))?;
        let schedule = self.scheduling.schedule(doctor_id).await?;
        let tz = zone(&schedule)?;
        let today = now.to_zoned(tz.clone()).date();
        let last = today
            .checked_add(jiff::Span::new().days(7 * ICS_WEEKS - 1))
            .map_err(DomainError::internal)?;
        let slots = self
            .scheduling
            .open_slots(doctor_id, today, last, None, now, true)
            .await?;
        let events = availability::events(doctor_id, &schedule.timezone, &tz, &slots);
        let name = format!(
            "Disponibilités — Dr {} {}",
            doctor.first_name, doctor.last_name
        );
        let body = render(&name, &events, now)?;
        Ok(IcsFile {
            filename: format!("disponibilites_dr_{}.ics", doctor.username),
            etag: entity_tag(&body),
            body,
            last_modified: Timestamp::now(),
        })
    }

    /// The actor's current feed token, if any.
    pub async fn feed_token(&self, actor: &Principal) -> DomainResult<Option<String>> {
        feeds::token_of(&mut *self.conn().await?, actor.user_id).await
    }

    /// A new feed token for the actor (a previous URL stops working).
    pub async fn renew_feed(&self, actor: &Principal) -> DomainResult<String> {
        if actor.role == Role::Admin {
            return Err(DomainError::Forbidden);
        }
        let token = format!("{}{}", new_id()?, new_id()?);
        let mut tx = self.db.begin_write().await?;
        feeds::replace(&mut tx, actor.user_id, &token).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(token)
    }

    /// Revokes the actor's feed.
    pub async fn revoke_feed(&self, actor: &Principal) -> DomainResult<()> {
        let mut tx = self.db.begin_write().await?;
        if !feeds::revoke(&mut tx, actor.user_id).await? {
            return Err(DomainError::NotFound("calendar feed"));
        }
        tx.commit().await.map_err(db_error)
    }

    /// The appointments of the feed's owner from 30 days before today (UTC)
    /// on (cancelled and refused ones marked so, for calendars to drop them).
    /// Unknown or revoked tokens are not found.
    ///
    /// Rendered for the start of the day and kept while the owner's feed
    /// version (read from the database on each request, after the token)
    /// stays the same: any change to their appointments, to their name or to
    /// the names and zones of the people on the other side moves it.
    pub async fn feed(&self, token: &str, now: Timestamp) -> DomainResult<std::sync::Arc<IcsFile>> {
        let mut conn = self.conn().await?;
        let owner = feeds::owner(&mut conn, token)
            .await?
            .ok_or(DomainError::NotFound("calendar feed"))?;
        let version = feeds::version(&mut conn, owner).await?;
        drop(conn);
        let day = now.as_second().div_euclid(86_400);
        let key = (version, day, 0);
        let before = match kept_for(&self.feeds, owner, key) {
            Ok(file) => return Ok(file),
            Err(before) => before,
        };
        let at = Timestamp::from_second(day * 86_400).map_err(DomainError::internal)?;
        let body = self.render_feed(owner, at).await?;
        let file = IcsFile {
            filename: "medplat.ics".to_owned(),
            etag: entity_tag(&body),
            body,
            last_modified: Timestamp::now(),
        };
        Ok(keep(&self.feeds, owner, key, file, before))
    }

    async fn render_feed(&self, owner: UserId, now: Timestamp) -> DomainResult<String> {
        let mut conn = self.conn().await?;
        let user = users::by_id(&mut conn, owner)
            .await?
            .ok_or(DomainError::NotFound("calendar feed"))?;
        let list = match user.role {
            Role::Patient => Owner::Patient(owner),
            Role::Doctor => Owner::Doctor(owner),
            Role::Admin => return Err(DomainError::NotFound("calendar feed")),
        };
        let filter = ListFilter {
            from: Some(now - SignedDuration::from_hours(24 * 30)),
            ..ListFilter::default()
        };
        let rows = appointments::list(&mut conn, list, filter, 5000).await?;
        let mut others: Vec<UserId> = rows
            .iter()
            .map(|a| {
                if user.role == Role::Patient {
                    a.doctor_id
                } else {
                    a.patient_id
                }
            })
            .collect();
        others.sort_unstable();
        others.dedup();
        let names = users::names(&mut conn, &others).await?;
        drop(conn);
        let mut zones: HashMap<UserId, String> = HashMap::new();
        let mut events = Vec::with_capacity(rows.len());
        for a in rows {
            if let Entry::Vacant(slot) = zones.entry(a.doctor_id) {
                let schedule = self.scheduling.schedule(a.doctor_id).await;
                slot.insert(schedule.map_or_else(|_| "UTC".to_owned(), |s| s.timezone));
            }
            let timezone = zones.get(&a.doctor_id).cloned().unwrap_or_default();
            let other = if user.role == Role::Patient {
                a.doctor_id
            } else {
                a.patient_id
            };
            let other = names.get(&other).cloned().unwrap_or_default();
            let (summary, status) = match (user.role, a.status) {
                (_, AppointmentStatus::Cancelled | AppointmentStatus::Refused) => {
                    (format!("Annulé — {other}"), EventStatus::Cancelled)
                }
                (_, AppointmentStatus::Pending) => {
                    (format!("À confirmer — {other}"), EventStatus::Tentative)
                }
                (Role::Patient, _) => {
                    (format!("Consultation — Dr {other}"), EventStatus::Confirmed)
                }
                _ => (format!("Consultation — {other}"), EventStatus::Confirmed),
            };
            events.push(CalEvent {
                uid: format!("appointment-{}@medplat", a.id),
                starts_at: a.starts_at,
                ends_at: a.ends_at,
                timezone,
                summary,
                description: format!(
                    "Consultation {} ({})",
                    kind_fr(a.consultation_type),
                    a.status.as_str()
                ),
                location: a.location.clone(),
                status: Some(status),
                transparent: false,
            });
        }
        render(&format!("MedPlat — {}", user.full_name()), &events, now)
    }
}

/// A strong entity tag of `body`: its SHA-256, shortened to 128 bits, quoted.
fn entity_tag(body: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(body.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}
