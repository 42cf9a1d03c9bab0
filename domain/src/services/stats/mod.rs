//! Statistics for administrators (the whole platform, or one specialty or
//! doctor) and doctors (their own): appointments over a period by day or
//! week and status, kinds, the busiest hours, occupancy of the doctors'
//! hours, each specialty's first free slot, alerts and how fast they are
//! acknowledged, the assistant's use and outside messages delivered.

mod figures;

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::accounts::{Role, Specialty, UserId};
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::places;
use crate::services::scheduling::{SchedulingService, day_start};
use crate::stats::{CodeCount, LEAD_SEARCH_DAYS, LeadTime, Statistics, StatsQuery};
use crate::store::stats::{self as store, Scope, StatDoctor};
use crate::store::{Db, availability, db_error, openings, specialties};

use figures::{alert_figures, assistant_use, by_day, deliveries, occupancy};

/// Longest period, in days (the last day at most this many after the first).
pub const MAX_PERIOD_DAYS: i64 = 366;
/// Days searched first for each doctor's first free place.
const NEAR_DAYS: i64 = 3;
/// Periods longer than this many days are drawn per week.
pub const WEEKLY_AFTER_DAYS: i64 = 62;

/// A request checked: zone, days, instants and scope.
struct Period {
    tz: TimeZone,
    zone: String,
    first: Date,
    last: Date,
    from: Timestamp,
    to: Timestamp,
}

/// The period asked, in the reader's zone (`clinic_zone` when they sent none).
fn period(query: &StatsQuery, now: Timestamp, clinic_zone: &str) -> DomainResult<Period> {
    let zone = bounds::filled(&query.tz).unwrap_or_else(|| clinic_zone.to_owned());
    let tz = (zone.len() <= 64)
        .then(|| TimeZone::get(&zone).ok())
        .flatten()
        .ok_or_else(|| DomainError::invalid("tz", "unknown_zone", "not an IANA time zone"))?;
    let today = now.to_zoned(tz.clone()).date();
    let first = match bounds::filled(&query.from) {
        Some(raw) => bounds::parse_date("from", &raw)?,
        None => bounds::add_days("from", today, -29)?,
    };
    let last = match bounds::filled(&query.to) {
        Some(raw) => bounds::parse_date("to", &raw)?,
        None => bounds::add_days("to", today, 14)?,
    };
    if last < first {
        return Err(DomainError::invalid(
            "to",
            "end_before_start",
            "the last day comes before the first",
        ));
    }
    if first
        .until(last)
        .map_or(true, |s| i64::from(s.get_days()) > MAX_PERIOD_DAYS)
    {
        return Err(DomainError::invalid(
            "to",
            "range_too_long",
            format!("at most {MAX_PERIOD_DAYS} days at once"),
        ));
    }
    let from = day_start(&tz, first)?;
    let to = day_start(&tz, bounds::add_days("to", last, 1)?)?;
    Ok(Period {
        tz,
        zone,
        first,
        last,
        from,
        to,
    })
}

/// `part` of the page, its time in the debug log.
async fn timed<T>(
    label: &'static str,
    part: impl std::future::Future<Output = DomainResult<T>>,
) -> DomainResult<T> {
    let started = std::time::Instant::now();
    let done = part.await;
    tracing::debug!(part = label, took = ?started.elapsed(), "statistics timed");
    done
}

/// Statistics; cheap to clone.
#[derive(Clone)]
pub struct StatsService {
    db: Db,
    scheduling: SchedulingService,
    settings: crate::services::SettingsService,
}

impl StatsService {
    pub(crate) fn new(
        db: Db,
        scheduling: SchedulingService,
        settings: crate::services::SettingsService,
    ) -> Self {
        Self {
            db,
            scheduling,
            settings,
        }
    }

    /// The statistics `actor` may read for `query` at `now`: administrators
    /// the whole platform (or a specialty, or a doctor), a doctor their own.
    pub async fn compute(
        &self,
        actor: &Principal,
        query: &StatsQuery,
        now: Timestamp,
    ) -> DomainResult<Statistics> {
        let admin = match actor.role {
            Role::Admin => true,
            Role::Doctor => false,
            Role::Patient => return Err(DomainError::Forbidden),
        };
        if query.doctor_id.is_some_and(|id| id < 1) {
            return Err(DomainError::invalid(
                "doctor_id",
                "out_of_range",
                "must be 1 or more",
            ));
        }
        if !admin && query.doctor_id.is_some_and(|id| id != actor.user_id) {
            return Err(DomainError::Forbidden);
        }
        let p = period(query, now, &self.settings.current().time_zone)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let all_specialties = specialties::list(&mut conn).await?;
        let specialty_id = match bounds::filled(&query.specialty) {
            Some(code) => Some(
                all_specialties
                    .iter()
                    .find(|s| s.code == code)
                    .map(|s| s.id)
                    .ok_or_else(|| {
                        DomainError::invalid("specialty", "unknown_specialty", "no such specialty")
                    })?,
            ),
            None => None,
        };
        let scope = Scope {
            doctor_id: if admin {
                query.doctor_id
            } else {
                Some(actor.user_id)
            },
            specialty_id,
        };
        let doctors = store::doctors(&mut conn, scope).await?;
        if let Some(id) = scope.doctor_id
            && admin
            && !doctors.iter().any(|d| d.id == id)
        {
            return Err(DomainError::invalid(
                "doctor_id",
                "unknown_doctor",
                "no active doctor with this id (in this specialty)",
            ));
        }
        drop(conn);
        // Each part on a connection of its own, all at once.
        let pool = self.db.pool();
        let conn = || async { pool.acquire().await.map_err(db_error) };
        let (hours, held, alert_rows, admin_only, offered, lead_times) = tokio::try_join!(
            timed("hours", async {
                store::appointments_by_hour(&mut *conn().await?, &p.tz, p.from, p.to, scope).await
            }),
            timed("held", async {
                store::held_by_doctor(&mut *conn().await?, p.from, p.to, scope).await
            }),
            timed("alerts", async {
                store::alerts(&mut *conn().await?, p.from, p.to, scope).await
            }),
            timed("assistant and deliveries", async {
                if !admin {
                    return Ok(None);
                }
                let mut conn = conn().await?;
                let answers = store::assistant_answers(&mut conn, p.from, p.to).await?;
                let sent = store::deliveries(&mut conn, p.from, p.to).await?;
                Ok(Some((assistant_use(&answers), deliveries(sent))))
            }),
            timed("offered", async {
                self.offered(&mut *conn().await?, &doctors, &p).await
            }),
            timed(
                "lead times",
                self.lead_times(&doctors, &all_specialties, now)
            ),
        )?;
        let (assistant, delivery) = admin_only.unzip();

        let weekly = p
            .first
            .until(p.last)
            .map_or(false, |s| i64::from(s.get_days()) > WEEKLY_AFTER_DAYS);
        let (appointments, by_status, busiest) = by_day(&hours, &p, weekly);
        let decided = |code: &str| {
            by_status
                .iter()
                .find(|c| c.code == code)
                .map_or(0, |c| c.count)
        };
        let total: i64 = by_status.iter().map(|c| c.count).sum();
        let no_show_base = decided("no_show") + decided("completed");
        let no_show_rate =
            (no_show_base > 0).then(|| decided("no_show") as f64 / no_show_base as f64);
        let cancellation_rate = (total > 0).then(|| decided("cancelled") as f64 / total as f64);
        let mut by_kind: BTreeMap<String, i64> = BTreeMap::new();
        let mut booked: HashMap<UserId, i64> = HashMap::new();
        for (doctor, kind, n) in &held {
            *by_kind.entry(kind.clone()).or_default() += n;
            *booked.entry(*doctor).or_default() += n;
        }
        let (doctor_rows, specialty_rows) =
            occupancy(&doctors, &all_specialties, &offered, &booked);
        Ok(Statistics {
            first: p.first.to_string(),
            last: p.last.to_string(),
            zone: p.zone,
            doctor_id: scope.doctor_id,
            weekly,
            appointments,
            by_status,
            by_kind: by_kind
                .into_iter()
                .map(|(code, count)| CodeCount { code, count })
                .collect(),
            no_show_rate,
            cancellation_rate,
            busiest,
            doctors: doctor_rows,
            specialties: specialty_rows,
            lead_times,
            alerts: alert_figures(&alert_rows),
            assistant,
            delivery,
        })
    }

    /// Places each doctor's hours offered in the period: weekly ranges less
    /// time off, plus one-off slots (the same expansion booking uses).
    async fn offered(
        &self,
        conn: &mut sqlx::AnyConnection,
        doctors: &[StatDoctor],
        p: &Period,
    ) -> DomainResult<HashMap<UserId, i64>> {
        let mut ranges: HashMap<UserId, Vec<_>> = HashMap::new();
        for (doctor, range) in availability::all_ranges(conn).await? {
            ranges.entry(doctor).or_default().push(range);
        }
        let mut exceptions: HashMap<UserId, Vec<_>> = HashMap::new();
        for e in availability::all_exceptions(conn, p.from, p.to).await? {
            exceptions.entry(e.doctor_id).or_default().push(e.exception);
        }
        let mut extra: HashMap<UserId, Vec<_>> = HashMap::new();
        for (doctor, slot) in openings::all_between(conn, p.from, p.to).await? {
            extra.entry(doctor).or_default().push(slot);
        }
        let mut offered = HashMap::new();
        for doctor in doctors {
            let Ok(tz) = TimeZone::get(&doctor.timezone) else {
                continue;
            };
            let first = p.from.to_zoned(tz.clone()).date();
            let last = (p.to - 1.millisecond()).to_zoned(tz.clone()).date();
            let none = Vec::new();
            let places = places::places_offered(
                ranges.get(&doctor.id).map_or(&[][..], Vec::as_slice),
                exceptions.get(&doctor.id).unwrap_or(&none),
                extra.remove(&doctor.id).unwrap_or_default(),
                &tz,
                first,
                last,
                p.from,
                p.to,
            );
            offered.insert(doctor.id, places);
        }
        Ok(offered)
    }

    /// Each specialty's first free slot from `now` (its doctors in scope).
    async fn lead_times(
        &self,
        doctors: &[StatDoctor],
        all: &[Specialty],
        now: Timestamp,
    ) -> DomainResult<Vec<LeadTime>> {
        let ids: Vec<UserId> = doctors.iter().map(|d| d.id).collect();
        // Most doctors have a free place within days: look there first, and
        // over the whole search only for those who have none.
        let mut found = self
            .scheduling
            .first_free(&ids, now, NEAR_DAYS.min(LEAD_SEARCH_DAYS))
            .await?;
        let rest: Vec<UserId> = ids
            .into_iter()
            .filter(|id| !found.contains_key(id))
            .collect();
        if !rest.is_empty() && LEAD_SEARCH_DAYS > NEAR_DAYS {
            found.extend(
                self.scheduling
                    .first_free(&rest, now, LEAD_SEARCH_DAYS)
                    .await?,
            );
        }
        let mut first: BTreeMap<i64, Option<Timestamp>> = BTreeMap::new();
        for d in doctors {
            let Some(specialty) = d.specialty_id else {
                continue;
            };
            let entry = first.entry(specialty).or_default();
            if let Some(&at) = found.get(&d.id) {
                *entry = Some(entry.map_or(at, |e: Timestamp| e.min(at)));
            }
        }
        Ok(all
            .iter()
            .filter_map(|s| {
                let at = first.get(&s.id)?;
                Some(LeadTime {
                    specialty: s.code.clone(),
                    name_fr: s.name_fr.clone(),
                    name_en: s.name_en.clone(),
                    first_free: at.map(|t| t.as_millisecond()),
                    hours: at
                        .map(|t| (t.as_millisecond() - now.as_millisecond()).max(0) / 3_600_000),
                })
            })
            .collect())
    }
}
