//! A patient's past readings: pages of them, one by id, statistics over a period.

use jiff::{SignedDuration, Timestamp};

use super::{ReadingQuery, VitalStatistics, VitalsService};
use crate::accounts::UserId;
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::paging::{Page, PageRequest};
use crate::store::db_error;
use crate::store::readings::{self as store, ReadingFilter};
use crate::trail::Resource;
use crate::vitals::{Reading, Vital};

impl VitalsService {
    /// A page of readings, newest first; the read is recorded.
    pub async fn list(
        &self,
        actor: &Principal,
        query: &ReadingQuery,
    ) -> DomainResult<Page<Reading>> {
        let patient_id = Self::patient_of(actor, query.patient)?;
        let paging = PageRequest::parse(query.page, query.per_page)?;
        let vital = parse_vital(query.vital.as_deref())?;
        if query.device.is_some_and(|d| d < 1) {
            return Err(DomainError::invalid(
                "dispositif",
                crate::bounds::OUT_OF_RANGE,
                "must be a device's id",
            ));
        }
        let (from, to) = Self::period(query.from, query.to, SignedDuration::from_hours(24))?;
        let filter = ReadingFilter {
            patient_id,
            vital,
            device_id: query.device,
            from_ms: from.as_millisecond(),
            to_ms: to.as_millisecond(),
        };
        let db = self.db.clone();
        let (readings, count) = self
            .gate
            .read(actor, Resource::Vitals, patient_id, None, async move {
                let mut conn = db.pool().acquire().await.map_err(db_error)?;
                store::list(&mut conn, &filter, paging.per_page, paging.offset()).await
            })
            .await?;
        Ok(paging.of(readings, count))
    }

    /// One reading by its id, as the policy allows (404 otherwise, the
    /// refusal still written to the trail); the read is recorded.
    pub async fn reading(&self, actor: &Principal, id: i64) -> DomainResult<Reading> {
        let found = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            store::by_id(&mut conn, id).await?
        };
        let Some(reading) = found else {
            return Err(DomainError::NotFound("reading"));
        };
        let granted = self
            .gate
            .check_hidden(
                actor,
                crate::trail::TrailAction::Read,
                Resource::Vitals,
                reading.patient,
                id,
                "reading",
                Timestamp::now(),
            )
            .await?;
        self.gate.trail().record(vec![granted.entry]).await?;
        Ok(reading)
    }

    /// Minimum, maximum, mean and count per vital over a period (from the
    /// per-minute summaries: exact, at minute boundaries), with the last
    /// value; the read is recorded.
    pub async fn statistics(
        &self,
        actor: &Principal,
        patient: Option<UserId>,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
    ) -> DomainResult<Vec<VitalStatistics>> {
        let patient_id = Self::patient_of(actor, patient)?;
        let (from, to) = Self::period(from, to, SignedDuration::from_hours(24))?;
        let db = self.db.clone();
        self.gate
            .read(actor, Resource::Vitals, patient_id, None, async move {
                let mut conn = db.pool().acquire().await.map_err(db_error)?;
                let latest = store::latest(&mut conn, patient_id).await?;
                let mut out = Vec::new();
                for vital in Vital::ALL {
                    let minutes = store::minutes(
                        &mut conn,
                        patient_id,
                        *vital,
                        from.as_millisecond(),
                        to.as_millisecond(),
                    )
                    .await?;
                    if minutes.is_empty() {
                        continue;
                    }
                    let count: i64 = minutes.iter().map(|m| m.4).sum();
                    let sum: f64 = minutes.iter().map(|m| m.3 * m.4 as f64).sum();
                    out.push(VitalStatistics {
                        type_donnee: *vital,
                        unite: vital.spec().ucum.to_owned(),
                        min: minutes.iter().map(|m| m.1).fold(f64::INFINITY, f64::min),
                        max: minutes
                            .iter()
                            .map(|m| m.2)
                            .fold(f64::NEG_INFINITY, f64::max),
                        moyenne: if count > 0 { sum / count as f64 } else { 0.0 },
                        nombre: count,
                        dernier: latest
                            .iter()
                            .find(|r| r.type_donnee == *vital)
                            .map(Reading::latest),
                    });
                }
                Ok(out)
            })
            .await
    }
}

fn parse_vital(raw: Option<&str>) -> DomainResult<Option<Vital>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Vital::parse_alias(raw)
            .map(Some)
            .ok_or_else(|| DomainError::invalid("type_donnee", "unknown_vital", "unknown vital")),
        None => Ok(None),
    }
}
