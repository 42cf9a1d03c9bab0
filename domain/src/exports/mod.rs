//! Research exports (seed 003's `DataExportJob`): a dataset of the clinic,
//! filtered, anonymised unless personal data is asked for with a reason,
//! written by a background job in the format researchers' tools read. The
//! types here are shared with the portals; reading, anonymising and writing
//! live in `services::exports`.

#[cfg(feature = "server")]
pub mod anonymise;
mod request;
pub mod table;

pub use request::{Checked, ExportFilters, NewExport};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::accounts::UserId;

wire_enum! {
    /// What is exported.
    Dataset {
        /// Consultation records.
        Consultations => "consultations",
        Appointments => "appointments",
        /// Vital signs, one row per patient, vital and minute (min, max,
        /// mean, readings).
        Vitals => "vitals",
        Treatments => "treatments",
        /// The symptom checker's checks and what the model answered.
        SymptomChecks => "symptom_checks",
    }
}

wire_enum! {
    /// The file written.
    Format {
        /// UTF-8, RFC 4180, a header row.
        Csv => "csv",
        /// JSON lines: one object per row.
        Json => "json",
        /// Apache Parquet, typed columns.
        Parquet => "parquet",
        /// An Excel workbook (`.xlsx`), more sheets past Excel's row limit.
        Excel => "excel",
        /// FHIR Bulk Data: one NDJSON file per resource type.
        Fhir => "fhir",
    }
}

impl Format {
    /// The file's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "jsonl",
            Self::Parquet => "parquet",
            Self::Excel => "xlsx",
            // A folder of NDJSON files, one per resource type.
            Self::Fhir => "fhir",
        }
    }

    /// The file's media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/x-ndjson",
            Self::Parquet => "application/vnd.apache.parquet",
            Self::Excel => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Fhir => "application/fhir+ndjson",
        }
    }
}

wire_enum! {
    /// Where a job is.
    ExportStatus {
        Pending => "pending",
        Running => "running",
        Completed => "completed",
        Failed => "failed",
        Cancelled => "cancelled",
        /// Completed, and its file removed after `EXPORTS_CLEANUP_DAYS`.
        Expired => "expired",
    }
}

impl ExportStatus {
    /// Whether the job is over (nothing more will happen to it but
    /// clean-up).
    pub fn is_over(self) -> bool {
        !matches!(self, Self::Pending | Self::Running)
    }
}

wire_enum! {
    /// How dates are written in an anonymised export.
    DatePrecision {
        /// The day, shifted by a number of days drawn per patient (the same
        /// shift for all of a patient's rows, so intervals hold).
        Shifted => "shifted",
        /// The first day of the week (Monday).
        Week => "week",
        /// The first day of the month.
        Month => "month",
        /// As recorded: only with personal data.
        Exact => "exact",
    }
}

wire_enum! {
    /// A sex as recorded.
    Sex {
        Female => "female",
        Male => "male",
        Other => "other",
    }
}

/// An age band of five years (`35-39`); 90 and over are one band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgeBand(pub u8);

impl AgeBand {
    /// The band of someone born on `birth` on `day`.
    pub fn at(birth: Date, day: Date) -> Option<Self> {
        let mut years = day.year() - birth.year();
        if (day.month(), day.day()) < (birth.month(), birth.day()) {
            years -= 1;
        }
        let years = u8::try_from(years).ok()?;
        Some(Self((years.min(90) / 5) * 5))
    }

    /// `35-39`, `90+`.
    pub fn label(self) -> String {
        if self.0 >= 90 {
            "90+".to_owned()
        } else {
            format!("{}-{}", self.0, self.0 + 4)
        }
    }

    /// Reads a label.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw == "90+" {
            return Some(Self(90));
        }
        let (low, high) = raw.split_once('-')?;
        let low: u8 = low.parse().ok()?;
        let high: u8 = high.parse().ok()?;
        (low % 5 == 0 && high == low + 4 && low < 90).then_some(Self(low))
    }
}

/// An export job (seed 003's `DataExportJob`, with its progress).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportJob {
    pub id: i64,
    pub created_by: UserId,
    /// The administrator's name.
    pub created_by_name: Option<String>,
    pub dataset: Dataset,
    pub export_format: Format,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date_start: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date_end: Date,
    pub include_personal_data: bool,
    pub personal_data_reason: Option<String>,
    pub include_free_text: bool,
    pub filters: ExportFilters,
    pub date_precision: DatePrecision,
    pub k_anonymity: u32,
    pub max_records: i64,
    pub status: ExportStatus,
    /// Rows read so far.
    pub rows_done: i64,
    /// Rows the filters select, counted when the job started.
    pub rows_estimated: Option<i64>,
    /// Rows in the file.
    pub records_count: Option<i64>,
    /// Rows left out by k-anonymity.
    pub suppressed_count: Option<i64>,
    pub file_size: Option<i64>,
    /// Why it failed.
    pub error: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub started_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub finished_at: Option<Timestamp>,
    /// When the file is removed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub expires_at: Option<Timestamp>,
}

/// The limits of the platform's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportLimits {
    /// `EXPORTS_MAX_RANGE_DAYS` (730).
    pub max_range_days: i64,
    /// `EXPORTS_MAX_RECORDS` (100,000).
    pub max_records: i64,
    /// `EXPORTS_CLEANUP_DAYS` (30).
    pub cleanup_days: i64,
}

impl Default for ExportLimits {
    fn default() -> Self {
        Self {
            max_range_days: 730,
            max_records: 100_000,
            cleanup_days: 30,
        }
    }
}

/// Default k.
pub const DEFAULT_K: u32 = 5;

/// The FHIR resource types a dataset's export holds, Patient first (one
/// NDJSON file each).
pub fn fhir_resource_types(dataset: Dataset) -> &'static [&'static str] {
    match dataset {
        Dataset::Appointments => &["Patient", "Encounter"],
        Dataset::Consultations => &["Patient", "Encounter", "Condition"],
        Dataset::Vitals => &["Patient", "Observation"],
        Dataset::Treatments => &["Patient", "MedicationStatement"],
        Dataset::SymptomChecks => &["Patient", "Condition"],
    }
}

/// The statuses the `status` filter knows, per dataset.
pub fn statuses(dataset: Dataset) -> &'static [&'static str] {
    match dataset {
        Dataset::Consultations => &["draft", "submitted", "validated", "rejected"],
        Dataset::Appointments => &[
            "pending",
            "confirmed",
            "refused",
            "cancelled",
            "completed",
            "no_show",
        ],
        Dataset::Treatments => &["active", "finished"],
        Dataset::SymptomChecks => &["emergency", "urgent", "consult", "self_care"],
        Dataset::Vitals => &[],
    }
}

/// What a request would export: the first rows, and how many rows and
/// patients k-anonymity would leave out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preview {
    pub columns: Vec<String>,
    /// The first rows, as text.
    pub rows: Vec<Vec<Option<String>>>,
    /// Rows the filters select.
    pub rows_selected: i64,
    /// Of them, rows k-anonymity leaves out.
    pub rows_suppressed: i64,
    pub patients: i64,
    pub patients_suppressed: i64,
}
