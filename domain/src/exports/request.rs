//! What an administrator asks for, and the rules it is checked against.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{DEFAULT_K, Dataset, DatePrecision, ExportLimits, Format, Sex, statuses};
use crate::error::{DomainError, DomainResult};

/// What an administrator asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewExport {
    pub dataset: Dataset,
    pub export_format: Format,
    /// First day, included (the clinic's calendar).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-01-01"))]
    pub date_start: Date,
    /// Last day, included; at most `EXPORTS_MAX_RANGE_DAYS` after the first.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-06-30"))]
    pub date_end: Date,
    /// Names, contacts and exact dates in the file: needs a reason.
    #[serde(default)]
    pub include_personal_data: bool,
    /// Why personal data is needed (recorded in the access trail).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub personal_data_reason: Option<String>,
    /// Free text (reasons, notes, instructions), scrubbed of names, phone
    /// numbers, e-mail addresses and identifier-like numbers when
    /// anonymised.
    #[serde(default)]
    pub include_free_text: bool,
    #[serde(default)]
    pub filters: ExportFilters,
    /// How dates are written when anonymised (default: shifted).
    #[serde(default)]
    pub date_precision: Option<DatePrecision>,
    /// Rows whose age band, sex and postcode area fewer than k patients
    /// share are left out (default 5; 1 leaves none out).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub k_anonymity: Option<u32>,
    /// More rows than `EXPORTS_MAX_RECORDS` for this job.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10_000_000))]
    pub max_records: Option<i64>,
}

/// Which rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExportFilters {
    /// The dataset's status (an appointment's, a record's, a treatment's:
    /// `active` or `finished`; a check's urgency).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub status: Option<String>,
    /// Youngest age, included (at the row's date).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 120))]
    pub age_min: Option<u8>,
    /// Oldest age, included.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 120))]
    pub age_max: Option<u8>,
    #[serde(default)]
    pub sex: Option<Sex>,
    /// A specialty's code (the doctor's; a check's suggested one).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub specialty: Option<String>,
}

impl NewExport {
    /// Checks the request against the rules and `limits`; what the job
    /// will run with.
    pub fn checked(&self, limits: &ExportLimits) -> DomainResult<Checked> {
        let invalid = |field: &'static str, code: &'static str, message: String| {
            Err(DomainError::invalid(field, code, message))
        };
        let (first, last) = (Date::constant(1900, 1, 1), Date::constant(2199, 12, 31));
        for (field, day) in [("date_start", self.date_start), ("date_end", self.date_end)] {
            if day < first || day > last {
                return invalid(field, "out_of_range", "a day from 1900 to 2199".into());
            }
        }
        if self.date_end < self.date_start {
            return invalid(
                "date_end",
                "before_start",
                "date_end is before date_start".into(),
            );
        }
        let days = (self.date_end - self.date_start)
            .get_days()
            .saturating_add(1);
        if i64::from(days) > limits.max_range_days {
            return invalid(
                "date_end",
                "range_too_long",
                format!(
                    "the range is longer than {} days (EXPORTS_MAX_RANGE_DAYS)",
                    limits.max_range_days
                ),
            );
        }
        let reason = self
            .personal_data_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if self.include_personal_data && reason.is_none_or(|r| r.chars().count() < 10) {
            return invalid(
                "personal_data_reason",
                "reason_required",
                "personal data needs a reason of at least 10 characters".into(),
            );
        }
        if reason.is_some_and(|r| r.chars().count() > 500) {
            return invalid(
                "personal_data_reason",
                "too_long",
                "at most 500 characters".into(),
            );
        }
        let precision = self
            .date_precision
            .unwrap_or(if self.include_personal_data {
                DatePrecision::Exact
            } else {
                DatePrecision::Shifted
            });
        if precision == DatePrecision::Exact && !self.include_personal_data {
            return invalid(
                "date_precision",
                "exact_dates_are_personal",
                "exact dates are personal data: shift them or round them to the week or month"
                    .into(),
            );
        }
        let k = self.k_anonymity.unwrap_or(DEFAULT_K);
        if !(1..=100).contains(&k) {
            return invalid("k_anonymity", "out_of_range", "k is from 1 to 100".into());
        }
        let max_records = self.max_records.unwrap_or(limits.max_records);
        if !(1..=10_000_000).contains(&max_records) {
            return invalid(
                "max_records",
                "out_of_range",
                "from 1 to 10,000,000 rows".into(),
            );
        }
        let f = &self.filters;
        if let Some(status) = f.status.as_deref()
            && !statuses(self.dataset).contains(&status)
        {
            return invalid(
                "filters.status",
                "unknown_status",
                format!(
                    "unknown status for this dataset (known: {})",
                    statuses(self.dataset).join(", ")
                ),
            );
        }
        if let (Some(low), Some(high)) = (f.age_min, f.age_max)
            && low > high
        {
            return invalid(
                "filters.age_max",
                "before_min",
                "age_max is below age_min".into(),
            );
        }
        if f.age_min.is_some_and(|a| a > 120) || f.age_max.is_some_and(|a| a > 120) {
            return invalid(
                "filters.age_max",
                "out_of_range",
                "ages are from 0 to 120".into(),
            );
        }
        if let Some(code) = f.specialty.as_deref()
            && (code.is_empty()
                || code.len() > 60
                || !code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        {
            return invalid(
                "filters.specialty",
                "unknown_specialty",
                "a specialty code is letters, digits, _ and -".into(),
            );
        }
        Ok(Checked {
            precision,
            k,
            max_records,
            reason: reason.map(str::to_owned),
        })
    }
}

/// A request as checked: the defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub precision: DatePrecision,
    pub k: u32,
    pub max_records: i64,
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::AgeBand;
    use jiff::civil::date;

    fn request() -> NewExport {
        NewExport {
            dataset: Dataset::Appointments,
            export_format: Format::Csv,
            date_start: date(2026, 1, 1),
            date_end: date(2026, 6, 30),
            include_personal_data: false,
            personal_data_reason: None,
            include_free_text: false,
            filters: ExportFilters::default(),
            date_precision: None,
            k_anonymity: None,
            max_records: None,
        }
    }

    #[test]
    fn age_bands_of_five_years() {
        let birth = date(1990, 6, 15);
        assert_eq!(
            AgeBand::at(birth, date(2026, 6, 14)).unwrap().label(),
            "35-39"
        );
        assert_eq!(
            AgeBand::at(birth, date(2025, 6, 14)).unwrap().label(),
            "30-34"
        );
        assert_eq!(
            AgeBand::at(birth, date(2025, 6, 15)).unwrap().label(),
            "35-39"
        );
        assert_eq!(
            AgeBand::at(date(1920, 1, 1), date(2026, 1, 1))
                .unwrap()
                .label(),
            "90+"
        );
        assert_eq!(AgeBand::at(date(2027, 1, 1), date(2026, 1, 1)), None);
        assert_eq!(AgeBand::parse("35-39"), Some(AgeBand(35)));
        assert_eq!(AgeBand::parse("35-40"), None);
        assert_eq!(AgeBand::parse("90+"), Some(AgeBand(90)));
    }

    #[test]
    fn defaults_and_limits() {
        let limits = ExportLimits::default();
        let ok = request().checked(&limits).unwrap();
        assert_eq!(ok.precision, DatePrecision::Shifted);
        assert_eq!((ok.k, ok.max_records), (5, 100_000));

        let mut long = request();
        long.date_end = date(2028, 1, 1);
        assert!(long.checked(&limits).is_err());
        let mut reversed = request();
        reversed.date_end = date(2025, 1, 1);
        assert!(reversed.checked(&limits).is_err());
        let mut exact = request();
        exact.date_precision = Some(DatePrecision::Exact);
        assert!(exact.checked(&limits).is_err(), "exact dates are personal");
        let mut personal = request();
        personal.include_personal_data = true;
        assert!(personal.checked(&limits).is_err(), "a reason is needed");
        personal.personal_data_reason = Some("Étude de cohorte autorisée par le CPP".into());
        assert_eq!(
            personal.checked(&limits).unwrap().precision,
            DatePrecision::Exact
        );
        let mut status = request();
        status.filters.status = Some("taken".into());
        assert!(status.checked(&limits).is_err());
        status.filters.status = Some("cancelled".into());
        assert!(status.checked(&limits).is_ok());
        let mut k = request();
        k.k_anonymity = Some(0);
        assert!(k.checked(&limits).is_err());
    }
}
