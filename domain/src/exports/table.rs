//! An export as a table: typed columns, and rows of cells. Every tabular
//! format writes the same table; the columns depend on the dataset and on
//! what the job includes (personal data, free text, time of day).

use jiff::Timestamp;
use jiff::civil::Date;

use super::{Dataset, DatePrecision};

/// A column's type, kept by the formats that have types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Float,
    Bool,
    /// A calendar day.
    Date,
    /// An instant (only in exports with personal data).
    Timestamp,
}

/// A column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, kind }
}

/// A cell; `Null` where there is no value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(Date),
    Timestamp(Timestamp),
}

impl Cell {
    /// Text, or `Null` for none.
    pub fn text(value: Option<impl Into<String>>) -> Self {
        value.map_or(Self::Null, |v| Self::Text(v.into()))
    }
}

/// What shapes the columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub dataset: Dataset,
    pub personal: bool,
    pub free_text: bool,
    pub precision: DatePrecision,
}

impl Shape {
    /// Whether rows carry the time of day (not when dates are rounded).
    pub fn time_of_day(self) -> bool {
        matches!(
            self.precision,
            DatePrecision::Shifted | DatePrecision::Exact
        )
    }

    /// The columns, in order.
    pub fn columns(self) -> Vec<Column> {
        use Kind::*;
        let mut c = vec![col("patient", Text)];
        if self.personal {
            c.extend([
                col("patient_id", Int),
                col("last_name", Text),
                col("first_name", Text),
                col("email", Text),
                col("phone", Text),
                col("birth_date", Date),
                col("postal_code", Text),
            ]);
        }
        c.extend([
            col("age_band", Text),
            col("sex", Text),
            col("postcode_area", Text),
        ]);
        let when =
            |c: &mut Vec<Column>, day: &'static str, time: &'static str, at: &'static str| {
                c.push(col(day, Date));
                if self.time_of_day() {
                    c.push(col(time, Text));
                }
                if self.personal {
                    c.push(col(at, Timestamp));
                }
            };
        match self.dataset {
            Dataset::Appointments => {
                c.push(col("doctor", Text));
                c.push(col("specialty", Text));
                when(&mut c, "date", "time", "starts_at");
                c.extend([
                    col("duration_minutes", Int),
                    col("consultation_type", Text),
                    col("status", Text),
                    col("booked_days_ahead", Int),
                ]);
                if self.free_text {
                    c.push(col("reason", Text));
                }
            }
            Dataset::Consultations => {
                c.push(col("doctor", Text));
                c.push(col("specialty", Text));
                when(&mut c, "date", "time", "created_at");
                c.extend([
                    col("status", Text),
                    col("validated_date", Date),
                    col("icd10_code", Text),
                    col("from_symptom_check", Bool),
                    col("messages", Int),
                ]);
                if self.free_text {
                    c.extend([col("complaint", Text), col("diagnosis", Text)]);
                }
            }
            Dataset::Vitals => {
                c.extend([col("vital", Text), col("loinc", Text), col("unit", Text)]);
                when(&mut c, "date", "minute", "minute_at");
                c.extend([
                    col("min", Float),
                    col("max", Float),
                    col("mean", Float),
                    col("readings", Int),
                ]);
            }
            Dataset::Treatments => {
                c.extend([col("medication", Text), col("prescribed", Bool)]);
                when(&mut c, "start_date", "start_time", "started_at");
                c.extend([
                    col("duration_days", Int),
                    col("doses_per_day", Int),
                    col("status", Text),
                    col("doses_taken", Int),
                    col("doses_skipped", Int),
                ]);
                if self.free_text {
                    c.push(col("instructions", Text));
                }
            }
            Dataset::SymptomChecks => {
                when(&mut c, "date", "time", "checked_at");
                c.extend([
                    col("symptoms", Text),
                    col("prediction", Text),
                    col("confidence", Float),
                    col("urgency", Text),
                    col("red_flags", Text),
                    col("specialty", Text),
                ]);
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_columns_only_when_asked() {
        for dataset in Dataset::ALL {
            let anonymous = Shape {
                dataset: *dataset,
                personal: false,
                free_text: false,
                precision: DatePrecision::Month,
            }
            .columns();
            let names: Vec<&str> = anonymous.iter().map(|c| c.name).collect();
            for personal in [
                "last_name",
                "first_name",
                "email",
                "phone",
                "birth_date",
                "postal_code",
                "patient_id",
            ] {
                assert!(!names.contains(&personal), "{dataset:?} has {personal}");
            }
            assert!(!anonymous.iter().any(|c| c.kind == Kind::Timestamp));
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{dataset:?}: a column twice");
            let full = Shape {
                dataset: *dataset,
                personal: true,
                free_text: true,
                precision: DatePrecision::Exact,
            }
            .columns();
            assert!(full.len() > anonymous.len());
        }
    }
}
