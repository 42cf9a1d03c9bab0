//! Running an export: the plan (who is in it, who k-anonymity leaves out),
//! then the rows streamed from the cursor in batches to a writer thread,
//! progress and cancellation checked between batches, the file renamed into
//! place only once complete.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use futures_util::TryStreamExt;
use jiff::Timestamp;

use super::shape::Shaper;
use super::{ExportService, write};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::exports::anonymise::{Pseudonyms, QuasiIdentifiers, postcode_area, suppressed};
use crate::exports::table::{Cell, Shape};
use crate::exports::{ExportStatus, NewExport};
use crate::services::jobs::Outcome;
use crate::store::export_rows::{self as read, Patient, Selection};
use crate::store::exports::{self as store, Finished};
use crate::store::{Db, db_error};

/// The job kind of exports.
pub const EXPORT: &str = "export";

/// Rows handed to the writer at once.
const BATCH: usize = 2_048;
/// Rows between progress reports (and cancellation checks).
const REPORT_EVERY: i64 = 20_000;

/// Who is in an export and how their rows are shaped.
pub(super) struct Plan {
    shaper: Shaper,
    patients: HashMap<UserId, Patient>,
    /// Patients the age and sex filters keep.
    included: HashSet<UserId>,
    /// Of them, those k-anonymity leaves out.
    suppressed: HashSet<UserId>,
}

/// Rows of one batch.
pub(super) struct Batch {
    pub kept: Vec<Vec<Cell>>,
    pub suppressed: i64,
}

impl Plan {
    pub fn patients(&self) -> usize {
        self.included.len()
    }

    pub fn suppressed_patients(&self) -> usize {
        self.suppressed.len()
    }

    /// Streams the rows of `selection` in batches to `f`, which answers
    /// whether to go on.
    pub async fn each_batch<F, Fut>(
        &self,
        db: &Db,
        selection: &Selection<'_>,
        size: usize,
        mut f: F,
    ) -> DomainResult<()>
    where
        F: FnMut(Batch) -> Fut,
        Fut: Future<Output = DomainResult<bool>>,
    {
        let mut conn = db.pool().acquire().await.map_err(db_error)?;
        let mut rows = read::rows(&mut conn, selection);
        let mut batch = Batch {
            kept: Vec::with_capacity(size),
            suppressed: 0,
        };
        while let Some(row) = rows.try_next().await? {
            if !self.included.contains(&row.patient) {
                continue;
            }
            if self.suppressed.contains(&row.patient) {
                batch.suppressed += 1;
                continue;
            }
            let Some(patient) = self.patients.get(&row.patient) else {
                continue;
            };
            batch.kept.push(self.shaper.cells(&row, patient));
            if batch.kept.len() >= size {
                let full = std::mem::replace(
                    &mut batch,
                    Batch {
                        kept: Vec::with_capacity(size),
                        suppressed: 0,
                    },
                );
                if !f(full).await? {
                    return Ok(());
                }
            }
        }
        drop(rows);
        f(batch).await.map(drop)
    }
}

impl ExportService {
    /// The plan of `req`: its patients, filtered by age and sex, and those
    /// k-anonymity leaves out (none when personal data is included: the
    /// file names them anyway).
    pub(super) async fn plan(
        &self,
        req: &NewExport,
        shape: Shape,
        k: u32,
        secret: &str,
    ) -> DomainResult<Plan> {
        let selection = self.selection(req)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let patients = read::patients(&mut conn).await?;
        let present = read::patients_in(&mut conn, &selection).await?;
        let names = if shape.free_text && !shape.personal {
            read::names(&mut conn)
                .await?
                .into_iter()
                .flat_map(|(first, last)| [first, last])
                .flat_map(|name| {
                    crate::symptoms::triage::fold(&name)
                        .split(|c: char| !c.is_alphabetic())
                        .filter(|w| w.chars().count() >= 3)
                        .map(str::to_owned)
                        .collect::<Vec<_>>()
                })
                .collect()
        } else {
            HashSet::new()
        };
        drop(conn);
        let mut shaper = Shaper {
            shape,
            pseudonyms: Pseudonyms::new(secret),
            zone: self.config.zone.clone(),
            names,
            age_day: req.date_end,
            known: HashMap::new(),
        };
        let f = &req.filters;
        let included: HashSet<UserId> = present
            .into_iter()
            .filter(|id| {
                let Some(p) = patients.get(id) else {
                    return false;
                };
                let age = p.birth.map(|b| years(b, req.date_end));
                let age_ok = match (f.age_min, f.age_max, age) {
                    (None, None, _) => true,
                    (_, _, None) => false,
                    (low, high, Some(a)) => {
                        low.is_none_or(|l| a >= i32::from(l))
                            && high.is_none_or(|h| a <= i32::from(h))
                    }
                };
                let sex_ok = f.sex.is_none_or(|s| p.sex.as_deref() == Some(s.as_str()));
                age_ok && sex_ok
            })
            .collect();
        let suppressed = if shape.personal {
            HashSet::new()
        } else {
            let groups: HashMap<UserId, QuasiIdentifiers> = included
                .iter()
                .filter_map(|id| {
                    let p = patients.get(id)?;
                    Some((
                        *id,
                        QuasiIdentifiers {
                            age_band: shaper.age_band(p),
                            sex: p.sex.clone(),
                            postcode_area: p.postal_code.as_deref().and_then(postcode_area),
                        },
                    ))
                })
                .collect();
            suppressed(&groups, k)
        };
        shaper.known = included
            .iter()
            .filter(|id| !suppressed.contains(id))
            .filter_map(|id| Some((*id, shaper.known(*id, patients.get(id)?))))
            .collect();
        Ok(Plan {
            shaper,
            patients,
            included,
            suppressed,
        })
    }

    /// Runs export `id` (the job worker); `last` when no try is left after
    /// this one.
    pub async fn run(&self, id: i64, last: bool) -> Outcome {
        match self.try_run(id).await {
            Ok(()) => Outcome::Done,
            Err(err) => {
                tracing::warn!(export = id, error = %err, last, "export failed");
                if last {
                    self.fail(id, "the export could not be written").await;
                }
                Outcome::Retry(err.to_string())
            }
        }
    }

    /// Marks export `id` failed (its tries ran out, or its worker died on
    /// the last one).
    pub async fn fail(&self, id: i64, why: &str) {
        let outcome = async {
            let mut tx = self.db.begin_write().await?;
            store::end(&mut tx, id, ExportStatus::Failed, Some(why)).await?;
            tx.commit().await.map_err(db_error)
        }
        .await;
        if let Err(err) = outcome {
            tracing::warn!(export = id, error = %err, "marking an export failed did not work");
        }
    }

    async fn try_run(&self, id: i64) -> DomainResult<()> {
        let stored = self.stored(id).await?;
        let job = &stored.job;
        if job.status.is_over() {
            return Ok(());
        }
        let req = NewExport {
            dataset: job.dataset,
            export_format: job.export_format,
            date_start: job.date_start,
            date_end: job.date_end,
            include_personal_data: job.include_personal_data,
            personal_data_reason: job.personal_data_reason.clone(),
            include_free_text: job.include_free_text,
            filters: job.filters.clone(),
            date_precision: Some(job.date_precision),
            k_anonymity: Some(job.k_anonymity),
            max_records: Some(job.max_records),
        };
        let selection = self.selection(&req)?;
        let estimated = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            read::count(&mut conn, &selection).await?
        };
        {
            let mut tx = self.db.begin_write().await?;
            let started = store::start(&mut tx, id, estimated).await?;
            tx.commit().await.map_err(db_error)?;
            if !started {
                return Ok(());
            }
        }
        let shape = Shape {
            dataset: job.dataset,
            personal: job.include_personal_data,
            free_text: job.include_free_text,
            precision: job.date_precision,
        };
        let plan = self
            .plan(&req, shape, job.k_anonymity, &stored.secret)
            .await?;
        std::fs::create_dir_all(&self.config.dir).map_err(DomainError::internal)?;
        let name = format!(
            "{id}-{}.{}",
            job.dataset.as_str(),
            job.export_format.extension()
        );
        let part = self.config.dir.join(format!("{name}.part"));

        // The writer runs on its own thread; batches queue at most two deep.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<Cell>>>(2);
        let columns = shape.columns();
        let (format, path, dataset) = (job.export_format, part.clone(), job.dataset);
        let writer = tokio::task::spawn_blocking(move || -> DomainResult<()> {
            let mut out = write::open(format, &path, &columns, dataset)?;
            while let Some(batch) = rx.blocking_recv() {
                for row in &batch {
                    out.write(row)?;
                }
            }
            out.finish()
        });

        let max = job.max_records;
        let mut kept: i64 = 0;
        let mut suppressed: i64 = 0;
        let mut read: i64 = 0;
        let mut reported: i64 = 0;
        let db = self.db.clone();
        let lease_ms = i64::try_from(self.config.lease.as_millis()).unwrap_or(i64::MAX);
        let streamed = plan
            .each_batch(&self.db, &selection, BATCH, |mut batch| {
                let room = usize::try_from(max - kept).unwrap_or(0);
                batch.kept.truncate(room);
                kept += batch.kept.len() as i64;
                suppressed += batch.suppressed;
                read += batch.kept.len() as i64 + batch.suppressed;
                let report = read - reported >= REPORT_EVERY;
                if report {
                    reported = read;
                }
                let (tx, db) = (tx.clone(), db.clone());
                let full = kept >= max;
                async move {
                    if tx.send(batch.kept).await.is_err() {
                        return Err(DomainError::internal("the export writer stopped"));
                    }
                    // Cancelled meanwhile: stop here.
                    if report && !progress(&db, id, read, lease_ms).await? {
                        return Ok(false);
                    }
                    Ok(!full)
                }
            })
            .await;
        drop(tx);
        let written = writer.await.map_err(DomainError::internal)?;
        if let Err(err) = streamed.and(written) {
            remove(&part);
            return Err(err);
        }
        if self.stored(id).await?.job.status != ExportStatus::Running {
            remove(&part);
            tracing::info!(export = id, "export cancelled while running");
            return Ok(());
        }
        let final_path = self.config.dir.join(&name);
        remove(&final_path);
        std::fs::rename(&part, &final_path).map_err(DomainError::internal)?;
        let size = size_of(&final_path)?;
        let mut tx = self.db.begin_write().await?;
        let completed = store::complete(
            &mut tx,
            id,
            &Finished {
                records: kept,
                suppressed,
                rows_done: read,
                file_path: &name,
                file_size: i64::try_from(size).unwrap_or(i64::MAX),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        if !completed {
            // Cancelled at the last moment.
            remove(&final_path);
        }
        tracing::info!(
            export = id,
            rows = kept,
            suppressed,
            bytes = size,
            "export completed"
        );
        Ok(())
    }
}

/// Reports progress and keeps the job's lease for `lease_ms` more; false
/// when the export was cancelled meanwhile.
async fn progress(db: &Db, id: i64, rows: i64, lease_ms: i64) -> DomainResult<bool> {
    let mut tx = db.begin_write().await?;
    let running = store::progress(&mut tx, id, rows).await?;
    let until = Timestamp::now().as_millisecond().saturating_add(lease_ms);
    crate::store::jobs::extend(&mut tx, &format!("export:{id}"), until).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(running)
}

/// Removes an export's file, or its folder (FHIR).
pub(super) fn remove(path: &std::path::Path) {
    if path.is_dir() {
        let _ = std::fs::remove_dir_all(path);
    } else {
        let _ = std::fs::remove_file(path);
    }
}

/// The bytes of a file, or of a folder's files.
fn size_of(path: &std::path::Path) -> DomainResult<u64> {
    let meta = std::fs::metadata(path).map_err(DomainError::internal)?;
    if !meta.is_dir() {
        return Ok(meta.len());
    }
    let mut total = 0;
    for entry in std::fs::read_dir(path).map_err(DomainError::internal)? {
        total += entry
            .and_then(|e| e.metadata())
            .map_err(DomainError::internal)?
            .len();
    }
    Ok(total)
}

/// Whole years from `birth` to `day`.
fn years(birth: jiff::civil::Date, day: jiff::civil::Date) -> i32 {
    let mut years = i32::from(day.year() - birth.year());
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}
