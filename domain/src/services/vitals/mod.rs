//! Vital signs: ingest from devices (group-committed, acknowledged once
//! durable, published to dashboards only after commit), and reads through the
//! medical-data policy, each recorded in the access trail.

mod history;
mod ingest;

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::policy::Gate;
use crate::services::devices::DeviceIdentity;
use crate::services::group::GroupWriter;
use crate::store::readings::{self as store, ReadingRow};
use crate::store::{Db, db_error};
use crate::trail::Resource;
use crate::vitals::charts::{ChartWindow, Overview, Series};
use crate::vitals::news2::{News2, Observations, Spo2Scale};
use crate::vitals::{LatestValue, Reading, Vital};

/// Most readings committed in one transaction.
const MAX_GROUP: usize = 5000;
/// Longest period a statistics or list query may span.
/// Most readings judged in one pass of the alert rules.
const MAX_EVALUATION: usize = 50_000;
/// Shortest time between the starts of two passes of the alert rules.
const EVALUATION_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);
const MAX_SPAN: SignedDuration = SignedDuration::from_hours(24 * 366);

/// Minimum, maximum, mean and last value of one vital over a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VitalStatistics {
    #[cfg_attr(feature = "openapi", schema(value_type = Vital))]
    pub type_donnee: Vital,
    pub unite: String,
    pub min: f64,
    pub max: f64,
    pub moyenne: f64,
    pub nombre: i64,
    pub dernier: Option<LatestValue>,
}

/// A period and filters for listing readings (checked here).
#[derive(Debug, Clone, Default)]
pub struct ReadingQuery {
    pub patient: Option<UserId>,
    pub vital: Option<String>,
    pub device: Option<i64>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Vital-sign operations; cheap to clone.
#[derive(Clone)]
pub struct VitalsService {
    db: Db,
    gate: Gate,
    writer: GroupWriter<ReadingRow>,
    stored: std::sync::Arc<std::sync::atomic::AtomicU64>,
    lag: EvaluationLag,
}

/// How late the alert rules judge what was stored: the delay of the last
/// pass, and the longest since it was last read (microseconds).
#[derive(Clone, Default)]
pub struct EvaluationLag {
    last: std::sync::Arc<std::sync::atomic::AtomicU64>,
    longest: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl EvaluationLag {
    fn record(&self, lag: std::time::Duration) {
        let micros = u64::try_from(lag.as_micros()).unwrap_or(u64::MAX);
        self.last
            .store(micros, std::sync::atomic::Ordering::Relaxed);
        self.longest
            .fetch_max(micros, std::sync::atomic::Ordering::Relaxed);
    }

    /// The last pass's delay, and the longest since the previous call (which
    /// starts a new window), in seconds.
    pub fn take(&self) -> (f64, f64) {
        let last = self.last.load(std::sync::atomic::Ordering::Relaxed);
        let longest = self.longest.swap(0, std::sync::atomic::Ordering::Relaxed);
        (last as f64 / 1e6, longest.max(last) as f64 / 1e6)
    }
}

impl VitalsService {
    /// The latest value of each vital of a patient, keyed by vital (seed
    /// 004's `latest_data` shape); the read is recorded.
    pub async fn latest(
        &self,
        actor: &Principal,
        patient_id: UserId,
    ) -> DomainResult<BTreeMap<String, LatestValue>> {
        let readings = self.latest_readings(actor, patient_id).await?;
        Ok(readings
            .iter()
            .map(|r| (r.type_donnee.as_str().to_owned(), r.latest()))
            .collect())
    }

    /// The latest reading of each vital; the read is recorded.
    pub async fn latest_readings(
        &self,
        actor: &Principal,
        patient_id: UserId,
    ) -> DomainResult<Vec<Reading>> {
        let db = self.db.clone();
        self.gate
            .read(actor, Resource::Vitals, patient_id, None, async move {
                let mut conn = db.pool().acquire().await.map_err(db_error)?;
                store::latest(&mut conn, patient_id).await
            })
            .await
    }

    /// A patient's NEWS2 from their latest readings (`None` when nothing it
    /// reads was measured in the last 12 hours); the read is recorded.
    pub async fn news2(
        &self,
        actor: &Principal,
        patient: Option<UserId>,
    ) -> DomainResult<(UserId, Option<News2>)> {
        let patient_id = Self::patient_of(actor, patient)?;
        let latest = self.latest_readings(actor, patient_id).await?;
        let seen = Observations::from_latest(&latest, Timestamp::now());
        Ok((patient_id, News2::score(&seen, Spo2Scale::One)))
    }

    /// What a monitoring page shows of a patient (the actor's own without
    /// one): latest values, NEWS2, and a chart series per vital measured in
    /// `window` (from the per-minute summaries). One recorded read.
    pub async fn overview(
        &self,
        actor: &Principal,
        patient: Option<UserId>,
        window: ChartWindow,
    ) -> DomainResult<Overview> {
        let patient_id = Self::patient_of(actor, patient)?;
        let now = Timestamp::now();
        let from = now
            .checked_sub(window.span())
            .map_err(DomainError::internal)?;
        let db = self.db.clone();
        self.gate
            .read(actor, Resource::Vitals, patient_id, None, async move {
                let mut conn = db.pool().acquire().await.map_err(db_error)?;
                let latest = store::latest(&mut conn, patient_id).await?;
                let mut series = Vec::new();
                for vital in Vital::ALL {
                    let minutes = store::minutes(
                        &mut conn,
                        patient_id,
                        *vital,
                        from.as_millisecond(),
                        now.as_millisecond() + 1,
                    )
                    .await?;
                    if !minutes.is_empty() {
                        series.push(Series::from_minutes(*vital, window, &minutes));
                    }
                }
                Ok(Overview {
                    patient: patient_id,
                    news2: News2::score(&Observations::from_latest(&latest, now), Spo2Scale::One),
                    latest: latest
                        .iter()
                        .map(|r| (r.type_donnee.as_str().to_owned(), r.latest()))
                        .collect(),
                    window,
                    series,
                })
            })
            .await
    }

    /// Whether `actor` may still watch `patient_id`'s vitals (a socket asks
    /// again when a relationship ends); not a read, not recorded.
    pub async fn may_watch(&self, actor: &Principal, patient_id: UserId) -> DomainResult<bool> {
        let relation = self
            .gate
            .relation(actor, patient_id, Timestamp::now())
            .await?;
        Ok(crate::policy::allows(
            actor.role,
            relation,
            crate::trail::TrailAction::Read,
            Resource::Vitals,
        ))
    }

    /// The latest readings for a device's own socket (no person reads them:
    /// not recorded).
    pub async fn latest_for_device(&self, device: DeviceIdentity) -> DomainResult<Vec<Reading>> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::latest(&mut conn, device.patient_id).await
    }

    /// Which patient a query is about: a patient's own; others must name one.
    fn patient_of(actor: &Principal, asked: Option<UserId>) -> DomainResult<UserId> {
        match (actor.role, asked) {
            (Role::Patient, None) => Ok(actor.user_id),
            (_, Some(patient)) if patient >= 1 => Ok(patient),
            (_, Some(_)) => Err(DomainError::invalid(
                "patient_id",
                crate::bounds::OUT_OF_RANGE,
                "must be a patient's id",
            )),
            (_, None) => Err(DomainError::invalid(
                "patient_id",
                "required",
                "name the patient (patient_id)",
            )),
        }
    }

    fn period(
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        default: SignedDuration,
    ) -> DomainResult<(Timestamp, Timestamp)> {
        let to = to.unwrap_or_else(Timestamp::now);
        let from = match from {
            Some(from) => from,
            None => to.checked_sub(default).map_err(DomainError::internal)?,
        };
        if from >= to {
            return Err(DomainError::invalid(
                "to",
                "invalid_period",
                "to must come after from",
            ));
        }
        if to.duration_since(from) > MAX_SPAN {
            return Err(DomainError::invalid(
                "to",
                "period_too_long",
                "a period spans at most 366 days",
            ));
        }
        Ok((from, to))
    }

    /// Deletes raw readings older than `raw_days` and summaries older than
    /// `summary_days`, in slices; returns how many rows went.
    pub async fn prune(
        &self,
        raw_days: i64,
        summary_days: i64,
        now: Timestamp,
    ) -> DomainResult<u64> {
        let before = |days: i64| -> DomainResult<i64> {
            Ok(now
                .checked_sub(SignedDuration::from_hours(24 * days))
                .map_err(DomainError::internal)?
                .as_millisecond())
        };
        let (raw, summaries) = (before(raw_days)?, before(summary_days)?);
        let mut total = 0;
        loop {
            let mut tx = self.db.begin_write().await?;
            let gone = store::prune(&mut tx, raw, summaries, 10_000).await?;
            tx.commit().await.map_err(db_error)?;
            total += gone;
            if gone < 10_000 {
                return Ok(total);
            }
        }
    }
}
