//! The readings writer: ingest from devices, group commits, publication and alert passes.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::{EVALUATION_PAUSE, EvaluationLag, MAX_EVALUATION, MAX_GROUP, VitalsService};
use crate::accounts::UserId;
use crate::error::DomainResult;
use crate::events::{Event, Publisher};
use crate::policy::Gate;
use crate::services::alerts::AlertService;
use crate::services::devices::DeviceIdentity;
use crate::services::group::GroupWriter;
use crate::store::readings::{self as store, ReadingRow};
use crate::store::{Db, db_error, devices};
use crate::vitals::{NewReading, Reading};

impl VitalsService {
    /// Starts the readings writer on the current runtime.
    pub(crate) fn new(db: Db, gate: Gate, publisher: Publisher, alerts: AlertService) -> Self {
        let writer_db = db.clone();
        let stored = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counted = stored.clone();
        // Alert rules run on committed groups, in order, off the
        // acknowledgement path. When they fall behind, the groups waiting
        // are judged in one pass: the rules read the stored readings, so
        // one pass sees every patient's latest state at once instead of
        // working through a backlog (which would slow ingest through the
        // back-pressure below and delay alerts further).
        let (evaluate, mut groups) =
            tokio::sync::mpsc::channel::<(Vec<ReadingRow>, std::time::Instant)>(1024);
        let lag = EvaluationLag::default();
        let measured = lag.clone();
        tokio::spawn(async move {
            while let Some((mut rows, committed)) = groups.recv().await {
                while rows.len() < MAX_EVALUATION
                    && let Ok((more, _)) = groups.try_recv()
                {
                    rows.extend(more);
                }
                let started = std::time::Instant::now();
                if let Err(err) = alerts.evaluate(&rows).await {
                    tracing::error!(error = %err, "alert evaluation failed");
                }
                // From the oldest group's commit to its alerts decided.
                measured.record(committed.elapsed());
                // At most one pass per EVALUATION_PAUSE under load: alerts
                // still come within a fraction of a second, and the rules'
                // queries do not take the processor from ingest.
                tokio::time::sleep(EVALUATION_PAUSE.saturating_sub(started.elapsed())).await;
            }
        });
        let writer =
            GroupWriter::spawn("readings", MAX_GROUP, 8192, move |rows: Vec<ReadingRow>| {
                let db = writer_db.clone();
                let publisher = publisher.clone();
                let evaluate = evaluate.clone();
                let counted = counted.clone();
                async move {
                    store_group(&db, &rows).await?;
                    counted.fetch_add(rows.len() as u64, std::sync::atomic::Ordering::Relaxed);
                    publish_group(&publisher, rows.clone());
                    // Back-pressure rather than skipping: every group is evaluated.
                    let _ = evaluate.send((rows, std::time::Instant::now())).await;
                    Ok(())
                }
            });
        Self {
            db,
            gate,
            writer,
            stored,
            lag,
        }
    }

    /// How late alert rules judge stored readings (for `/metrics`).
    pub fn evaluation_lag(&self) -> &EvaluationLag {
        &self.lag
    }

    /// Readings this instance stored since start (for `/metrics`).
    pub fn stored_total(&self) -> u64 {
        self.stored.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Stores readings from an authenticated device; returns once they are
    /// durable (then, and only then, they are published to dashboards).
    pub async fn ingest(
        &self,
        device: DeviceIdentity,
        readings: Vec<NewReading>,
    ) -> DomainResult<usize> {
        let count = readings.len();
        let rows = readings
            .into_iter()
            .map(|reading| ReadingRow {
                patient_id: device.patient_id,
                device_id: device.device_id,
                reading,
            })
            .collect();
        self.writer.submit(rows).await?;
        Ok(count)
    }
}

/// Writes one group: readings, minute summaries and the devices' last
/// contact, in one transaction.
async fn store_group(db: &Db, rows: &[ReadingRow]) -> DomainResult<()> {
    let mut device_ids: Vec<i64> = rows.iter().map(|r| r.device_id).collect();
    device_ids.sort_unstable();
    device_ids.dedup();
    let mut tx = db.begin_write().await?;
    store::insert(&mut tx, db.dialect(), rows).await?;
    devices::seen(&mut tx, &device_ids, Timestamp::now().as_millisecond()).await?;
    tx.commit().await.map_err(db_error)
}

/// Publishes committed readings, one event per patient.
fn publish_group(publisher: &Publisher, rows: Vec<ReadingRow>) {
    let mut by_patient: BTreeMap<UserId, Vec<Reading>> = BTreeMap::new();
    for row in rows {
        let spec = row.reading.vital.spec();
        by_patient.entry(row.patient_id).or_default().push(Reading {
            id: 0,
            dispositif: row.device_id,
            patient: row.patient_id,
            type_donnee: row.reading.vital,
            valeur: row.reading.value,
            unite: spec.ucum.to_owned(),
            loinc: spec.loinc.map(str::to_owned),
            timestamp: row.reading.measured_at,
            qualite_donnee: row.reading.quality,
        });
    }
    for (patient_id, readings) in by_patient {
        publisher.publish(Event::Readings {
            patient_id,
            readings,
            stored_at: Timestamp::now(),
        });
    }
}
