//! Research exports, for administrators: a job is created (checked, its
//! rows counted, recorded in the access trail with the reason when personal
//! data is included) and run by the durable job worker, which streams the
//! rows from the database cursor through the anonymisation to the file,
//! reporting progress; a job whose worker died is taken again and starts
//! over. Downloads are recorded in the trail; files are removed after
//! `EXPORTS_CLEANUP_DAYS`.

pub mod fhir;
mod run;
mod shape;
pub mod write;

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::accounts::Role;
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::exports::table::{Cell, Shape};
use crate::exports::{ExportJob, ExportLimits, ExportStatus, Format, NewExport, Preview};
use crate::services::trail::{NewEntry, TrailService};
use crate::store::export_rows::{self as read, Selection};
use crate::store::exports::{self as store, StoredFilters};
use crate::store::jobs::{self, NewJob};
use crate::store::{Db, db_error};
use crate::trail::{Resource, TrailAction};

pub use run::EXPORT;

/// Tries of an export job (a restart takes it again from the start).
const TRIES: i64 = 3;

/// Where and within which limits exports are written.
#[derive(Debug, Clone)]
pub struct ExportsConfig {
    pub limits: ExportLimits,
    /// Files go to `<dir>/<id>-<dataset>.<ext>`.
    pub dir: PathBuf,
    /// The clinic's zone: the range's days and the rows' days are read there.
    pub zone: TimeZone,
    /// How long a running export keeps its job's lease after each progress
    /// report (the job worker's lease, `JOBS_LEASE`): if its process dies,
    /// another worker takes the job this long after the last report.
    pub lease: std::time::Duration,
}

impl Default for ExportsConfig {
    fn default() -> Self {
        Self {
            limits: ExportLimits::default(),
            dir: std::env::temp_dir().join("medplat-exports"),
            zone: TimeZone::get(crate::medical::DEFAULT_TIME_ZONE).unwrap_or(TimeZone::UTC),
            lease: std::time::Duration::from_secs(60),
        }
    }
}

/// What a download gives.
#[derive(Debug, Clone)]
pub enum Download {
    /// A file to stream.
    File {
        path: PathBuf,
        file_name: String,
        media_type: &'static str,
    },
    /// A FHIR export's Bulk Data manifest: its files, one per resource
    /// type, each downloaded with `?type=`.
    Manifest(serde_json::Value),
}

/// Research exports; cheap to clone.
#[derive(Clone)]
pub struct ExportService {
    db: Db,
    trail: TrailService,
    config: Arc<ExportsConfig>,
}

impl ExportService {
    pub fn new(db: Db, trail: TrailService) -> Self {
        Self {
            db,
            trail,
            config: Arc::new(ExportsConfig::default()),
        }
    }

    /// The same service with `config` (at start-up).
    pub fn with_config(mut self, config: ExportsConfig) -> Self {
        self.config = Arc::new(config);
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> ExportLimits {
        self.config.limits
    }

    fn selection<'a>(&self, req: &'a NewExport) -> DomainResult<Selection<'a>> {
        let zone = &self.config.zone;
        let start = req
            .date_start
            .to_zoned(zone.clone())
            .map_err(DomainError::internal)?;
        let end = req
            .date_end
            .tomorrow()
            .map_err(DomainError::internal)?
            .to_zoned(zone.clone())
            .map_err(DomainError::internal)?;
        Ok(Selection {
            dataset: req.dataset,
            from_ms: start.timestamp().as_millisecond(),
            to_ms: end.timestamp().as_millisecond(),
            status: req.filters.status.as_deref(),
            specialty: req.filters.specialty.as_deref(),
            now_ms: Timestamp::now().as_millisecond(),
        })
    }

    /// Creates an export job (administrators), to run in the background.
    pub async fn create(&self, actor: &Principal, req: &NewExport) -> DomainResult<ExportJob> {
        actor.require(Role::Admin)?;
        let checked = req.checked(&self.config.limits)?;
        let selection = self.selection(req)?;
        let selected = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            read::count(&mut conn, &selection).await?
        };
        if selected > checked.max_records {
            return Err(DomainError::invalid(
                "max_records",
                "too_many_rows",
                format!(
                    "the filters select {selected} rows, more than the limit of {} \
                     (narrow them, or raise max_records for this job)",
                    checked.max_records
                ),
            ));
        }
        let filters = serde_json::to_string(&StoredFilters {
            filters: req.filters.clone(),
            date_precision: checked.precision,
            k_anonymity: checked.k,
        })
        .map_err(DomainError::internal)?;
        let secret = crate::services::auth::new_id()?;
        let mut tx = self.db.begin_write().await?;
        let id = store::insert(
            &mut tx,
            &store::NewJob {
                created_by: actor.user_id,
                dataset: req.dataset,
                format: req.export_format,
                date_start: req.date_start,
                date_end: req.date_end,
                personal: req.include_personal_data,
                reason: checked.reason.as_deref(),
                free_text: req.include_free_text,
                filters: &filters,
                max_records: checked.max_records,
                secret: &secret,
            },
        )
        .await?;
        let now = Timestamp::now().as_millisecond();
        jobs::enqueue(
            &mut tx,
            &NewJob {
                kind: EXPORT,
                key: &format!("export:{id}"),
                payload: &id.to_string(),
                run_at_ms: now,
                max_attempts: TRIES,
            },
            now,
        )
        .await?;
        let entry = NewEntry::of_no_patient(actor, TrailAction::Create, Resource::ResearchExport)
            .on(id)
            .because(checked.reason.clone().filter(|_| req.include_personal_data));
        crate::services::trail::append_in(&mut tx, self.db.dialect(), &[entry]).await?;
        let what = format!(
            "{}:{}{}",
            req.dataset.as_str(),
            req.export_format.as_str(),
            if req.include_personal_data {
                ":personal_data"
            } else {
                ""
            }
        );
        crate::store::activity::log(
            &mut tx,
            &crate::store::activity::NewActivity::by(
                actor,
                crate::activity::ActivityAction::ExportCreated,
            )
            .on("export", id)
            .detail(what),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(
            export = id,
            dataset = req.dataset.as_str(),
            "export created"
        );
        self.get(actor, id).await
    }

    /// Export jobs, newest first (administrators).
    pub async fn list(&self, actor: &Principal) -> DomainResult<Vec<ExportJob>> {
        actor.require(Role::Admin)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::list(&mut conn, 200, self.config.limits.cleanup_days).await
    }

    async fn stored(&self, id: i64) -> DomainResult<store::Stored> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::get(&mut conn, id, self.config.limits.cleanup_days)
            .await?
            .ok_or(DomainError::NotFound("export"))
    }

    /// One job (administrators).
    pub async fn get(&self, actor: &Principal, id: i64) -> DomainResult<ExportJob> {
        actor.require(Role::Admin)?;
        Ok(self.stored(id).await?.job)
    }

    /// The file of a completed job (administrators); recorded in the trail.
    /// A FHIR export gives its Bulk Data manifest (URLs under `base`), and
    /// each resource type's file with `kind`.
    pub async fn download(
        &self,
        actor: &Principal,
        id: i64,
        kind: Option<&str>,
        base: &str,
    ) -> DomainResult<Download> {
        actor.require(Role::Admin)?;
        let stored = self.stored(id).await?;
        let job = &stored.job;
        let path = match (job.status, stored.file_path.as_deref()) {
            (ExportStatus::Completed, Some(path)) => self.config.dir.join(path),
            (ExportStatus::Expired, _) => {
                return Err(DomainError::Conflict {
                    field: None,
                    code: "expired",
                    message: "the file was removed after its retention period".into(),
                });
            }
            _ => {
                return Err(DomainError::Conflict {
                    field: None,
                    code: "not_ready",
                    message: "the export is not completed".into(),
                });
            }
        };
        if !path.exists() {
            return Err(DomainError::NotFound("export file"));
        }
        let fhir_types = crate::exports::fhir_resource_types(job.dataset);
        let download = match (job.export_format, kind) {
            (Format::Fhir, None) => {
                let counts = fhir::counts(&path)?;
                let output: Vec<serde_json::Value> = fhir_types
                    .iter()
                    .map(|ty| {
                        serde_json::json!({
                            "type": ty,
                            "url": format!("{base}/api/v1/exports/{id}/download/?type={ty}"),
                            "count": counts.get(*ty).copied().unwrap_or(0),
                        })
                    })
                    .collect();
                return Ok(Download::Manifest(serde_json::json!({
                    "transactionTime": job.finished_at.map(|t| t.to_string()),
                    "request": format!("{base}/api/v1/exports/{id}/"),
                    "requiresAccessToken": true,
                    "output": output,
                    "error": [],
                })));
            }
            (Format::Fhir, Some(ty)) => {
                let Some(ty) = fhir_types.iter().find(|t| **t == ty) else {
                    return Err(DomainError::invalid(
                        "type",
                        "unknown_type",
                        format!("this export holds {}", fhir_types.join(", ")),
                    ));
                };
                Download::File {
                    path: path.join(format!("{ty}.ndjson")),
                    file_name: format!("{}-{ty}.ndjson", file_stem(job)),
                    media_type: Format::Fhir.media_type(),
                }
            }
            (format, _) => Download::File {
                path,
                file_name: format!("{}.{}", file_stem(job), format.extension()),
                media_type: format.media_type(),
            },
        };
        self.trail
            .record(vec![
                NewEntry::of_no_patient(actor, TrailAction::Export, Resource::ResearchExport)
                    .on(id),
            ])
            .await?;
        Ok(download)
    }

    /// Cancels a job that is not over, or removes a finished one and its
    /// file (administrators).
    pub async fn remove(&self, actor: &Principal, id: i64) -> DomainResult<()> {
        actor.require(Role::Admin)?;
        let stored = self.stored(id).await?;
        let mut tx = self.db.begin_write().await?;
        let cancelled = store::end(&mut tx, id, ExportStatus::Cancelled, None).await?;
        if !cancelled {
            store::delete(&mut tx, id).await?;
        }
        let entry =
            NewEntry::of_no_patient(actor, TrailAction::Delete, Resource::ResearchExport).on(id);
        crate::services::trail::append_in(&mut tx, self.db.dialect(), &[entry]).await?;
        tx.commit().await.map_err(db_error)?;
        if let Some(path) = stored.file_path {
            run::remove(&self.config.dir.join(path));
        }
        Ok(())
    }

    /// What `req` would export (administrators): its first rows and what
    /// k-anonymity would leave out.
    pub async fn preview(&self, actor: &Principal, req: &NewExport) -> DomainResult<Preview> {
        actor.require(Role::Admin)?;
        let checked = req.checked(&self.config.limits)?;
        let shape = Shape {
            dataset: req.dataset,
            personal: req.include_personal_data,
            free_text: req.include_free_text,
            precision: checked.precision,
        };
        let plan = self
            .plan(req, shape, checked.k, &crate::services::auth::new_id()?)
            .await?;
        let mut rows: Vec<Vec<Option<String>>> = Vec::new();
        let mut selected = 0;
        let mut suppressed = 0;
        plan.each_batch(&self.db, &self.selection(req)?, 4096, |batch| {
            selected += batch.kept.len() as i64 + batch.suppressed;
            suppressed += batch.suppressed;
            let room = PREVIEW_ROWS.saturating_sub(rows.len());
            rows.extend(
                batch
                    .kept
                    .iter()
                    .take(room)
                    .map(|cells| cells.iter().map(text_of).collect()),
            );
            std::future::ready(Ok(true))
        })
        .await?;
        Ok(Preview {
            columns: shape.columns().iter().map(|c| c.name.to_owned()).collect(),
            rows,
            rows_selected: selected,
            rows_suppressed: suppressed,
            patients: plan.patients() as i64,
            patients_suppressed: plan.suppressed_patients() as i64,
        })
    }

    /// Removes the files of jobs completed more than `EXPORTS_CLEANUP_DAYS`
    /// ago; how many.
    pub async fn tidy(&self) -> DomainResult<usize> {
        let before = Timestamp::now()
            - jiff::SignedDuration::from_hours(24 * self.config.limits.cleanup_days);
        let stale = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            store::stale(&mut conn, before).await?
        };
        for (id, path) in &stale {
            run::remove(&self.config.dir.join(path));
            let mut tx = self.db.begin_write().await?;
            store::expire(&mut tx, *id).await?;
            tx.commit().await.map_err(db_error)?;
        }
        Ok(stale.len())
    }
}

/// Rows a preview shows.
const PREVIEW_ROWS: usize = 20;

/// A cell as the preview shows it.
fn text_of(cell: &Cell) -> Option<String> {
    Some(match cell {
        Cell::Null => return None,
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Float(x) => format!("{x:.3}"),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Timestamp(t) => t.to_string(),
    })
}

/// The name a download is saved under, without its extension.
fn file_stem(job: &ExportJob) -> String {
    format!(
        "medplat-{}-{}-{}_{}",
        job.id,
        job.dataset.as_str(),
        job.date_start,
        job.date_end
    )
}
