//! Reading the "Disease Symptoms and Patient Profile" CSV layout into samples.
//!
//! The header names the columns (any order, any case, spaces around ignored;
//! unknown extra columns are ignored). Every row is parsed before anything is
//! returned, and the first bad value is reported with its 1-based line and its
//! column. The `Outcome Variable` column is checked but not used: the label is
//! the `Disease` column.

use std::io::Read;

use thiserror::Error;

use super::{Features, Sample};
use crate::medical::{Level, Sex};

/// The most rows a file may hold.
pub const MAX_ROWS: usize = 200_000;

/// The columns a file must have, as the data set spells them.
pub const COLUMNS: [&str; 10] = [
    "Disease",
    "Fever",
    "Cough",
    "Fatigue",
    "Difficulty Breathing",
    "Age",
    "Gender",
    "Blood Pressure",
    "Cholesterol Level",
    "Outcome Variable",
];

const LONGEST_LABEL: usize = 200;
const OLDEST_AGE: f64 = 130.0;

/// Why a file could not be read: where (1-based line, column when known) and what.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}{}: {message}", column.as_deref().map(|c| format!(", column \"{c}\"")).unwrap_or_default())]
pub struct DatasetError {
    /// The 1-based line of the file (1 is the header).
    pub line: u64,
    /// The column, as [`COLUMNS`] spells it, when the error is about one value.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl DatasetError {
    fn at(line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            line,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// Reads every row of a CSV file in the data set's layout.
pub fn read_csv(reader: impl Read) -> Result<Vec<Sample>, DatasetError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header = csv.headers().map_err(|e| csv_error(&e, 1))?.clone();
    if header.iter().all(|name| name.trim().is_empty()) {
        return Err(DatasetError::at(1, None, "the file is empty"));
    }
    let positions = column_positions(&header)?;

    let mut samples = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = csv.position().line();
        match csv.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&e, line)),
        }
        let line = record.position().map_or(line, csv::Position::line);
        if samples.len() == MAX_ROWS {
            return Err(DatasetError::at(
                line,
                None,
                format!("more than {MAX_ROWS} rows"),
            ));
        }
        let field = |index: usize| record.get(positions[index]).unwrap_or("");
        samples.push(parse_row(line, field)?);
    }
    if samples.is_empty() {
        return Err(DatasetError::at(
            2,
            None,
            "the file has a header but no rows",
        ));
    }
    Ok(samples)
}

/// For each of [`COLUMNS`], its position in the header.
fn column_positions(header: &csv::StringRecord) -> Result<[usize; 10], DatasetError> {
    let mut positions = [usize::MAX; 10];
    for (position, name) in header.iter().enumerate() {
        let name = name.trim_start_matches('\u{feff}').trim();
        let Some(index) = COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)) else {
            continue;
        };
        if positions[index] != usize::MAX {
            return Err(DatasetError::at(
                1,
                Some(COLUMNS[index]),
                "the column appears twice",
            ));
        }
        positions[index] = position;
    }
    if let Some(index) = positions.iter().position(|p| *p == usize::MAX) {
        return Err(DatasetError::at(
            1,
            Some(COLUMNS[index]),
            "the header lacks this column",
        ));
    }
    Ok(positions)
}

fn parse_row<'a>(line: u64, field: impl Fn(usize) -> &'a str) -> Result<Sample, DatasetError> {
    let bad = |index: usize, message: String| DatasetError::at(line, Some(COLUMNS[index]), message);
    let label = field(0);
    if label.is_empty() {
        return Err(bad(0, "the disease is empty".into()));
    }
    if label.chars().count() > LONGEST_LABEL {
        return Err(bad(
            0,
            format!("the disease is longer than {LONGEST_LABEL} characters"),
        ));
    }
    let yes_no = |index: usize| match field(index).to_ascii_lowercase().as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        other => Err(bad(index, format!("expected Yes or No, found \"{other}\""))),
    };
    let level = |index: usize| {
        Level::parse(&field(index).to_ascii_lowercase()).ok_or_else(|| {
            bad(
                index,
                format!("expected Low, Normal or High, found \"{}\"", field(index)),
            )
        })
    };
    let age = field(5)
        .parse::<f64>()
        .ok()
        .filter(|age| age.is_finite() && (0.0..=OLDEST_AGE).contains(age))
        .ok_or_else(|| {
            bad(
                5,
                format!("expected an age in years, found \"{}\"", field(5)),
            )
        })?;
    let sex = Sex::parse(&field(6).to_ascii_lowercase()).ok_or_else(|| {
        bad(
            6,
            format!("expected Male or Female, found \"{}\"", field(6)),
        )
    })?;
    let features = Features {
        fever: yes_no(1)?,
        cough: yes_no(2)?,
        fatigue: yes_no(3)?,
        difficulty_breathing: yes_no(4)?,
        age,
        sex,
        blood_pressure: level(7)?,
        cholesterol: level(8)?,
    };
    match field(9).to_ascii_lowercase().as_str() {
        "positive" | "negative" => {}
        other => {
            return Err(bad(
                9,
                format!("expected Positive or Negative, found \"{other}\""),
            ));
        }
    }
    Ok(Sample {
        features,
        label: label.to_owned(),
    })
}

fn csv_error(error: &csv::Error, line: u64) -> DatasetError {
    let line = error.position().map_or(line, csv::Position::line).max(1);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields, found {len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_owned(),
        _ => format!("unreadable CSV: {error}"),
    };
    DatasetError::at(line, None, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Disease,Fever,Cough,Fatigue,Difficulty Breathing,Age,Gender,\
                          Blood Pressure,Cholesterol Level,Outcome Variable\n";

    #[test]
    fn reads_rows_with_columns_in_any_order_and_case() {
        let text = " age ,DISEASE,fever,Cough,Fatigue,Difficulty Breathing,Gender,\
                    Blood Pressure,Cholesterol Level,Outcome Variable,Extra\n\
                    19,Influenza,Yes,No,Yes,Yes,Female,Low,Normal,Positive,x\n\
                    25,Common Cold,no,YES,Yes,No,Male,Normal,High,Negative,y\n";
        let samples = read_csv(text.as_bytes()).unwrap();
        assert_eq!(samples.len(), 2);
        assert_eq!(samples[0].label, "Influenza");
        assert!(samples[0].features.fever && !samples[0].features.cough);
        assert_eq!(samples[0].features.age, 19.0);
        assert_eq!(samples[0].features.blood_pressure, Level::Low);
        assert_eq!(samples[1].features.sex, Sex::Male);
        assert_eq!(samples[1].features.cholesterol, Level::High);
    }

    #[test]
    fn rejects_a_bad_header() {
        let text = "Disease,Fever,Cough,Fatigue,Age,Gender,Blood Pressure,\
                    Cholesterol Level,Outcome Variable\nFlu,Yes,No,Yes,19,Female,Low,Normal,Positive\n";
        let error = read_csv(text.as_bytes()).unwrap_err();
        assert_eq!(error.line, 1);
        assert_eq!(error.column.as_deref(), Some("Difficulty Breathing"));
        assert!(
            error.to_string().contains("Difficulty Breathing"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_value_names_its_line_and_column() {
        let text = format!(
            "{HEADER}Influenza,Yes,No,Yes,Yes,19,Female,Low,Normal,Positive\n\
             Asthma,Yes,Yes,No,Yes,25,Male,Normal,Sky-high,Positive\n"
        );
        let error = read_csv(text.as_bytes()).unwrap_err();
        assert_eq!(error.line, 3);
        assert_eq!(error.column.as_deref(), Some("Cholesterol Level"));
        assert_eq!(
            error.to_string(),
            "line 3, column \"Cholesterol Level\": expected Low, Normal or High, found \"Sky-high\""
        );
        let text = format!("{HEADER}Asthma,Yes,Yes,No,Maybe,25,Male,Normal,Normal,Positive\n");
        let error = read_csv(text.as_bytes()).unwrap_err();
        assert_eq!(
            (error.line, error.column.as_deref()),
            (2, Some("Difficulty Breathing"))
        );
        let text = format!("{HEADER}Asthma,Yes,Yes,No,No,old,Male,Normal,Normal,Positive\n");
        let error = read_csv(text.as_bytes()).unwrap_err();
        assert_eq!((error.line, error.column.as_deref()), (2, Some("Age")));
    }

    #[test]
    fn rejects_empty_files_and_short_rows() {
        assert_eq!(read_csv("".as_bytes()).unwrap_err().line, 1);
        let error = read_csv(HEADER.as_bytes()).unwrap_err();
        assert!(error.message.contains("no rows"), "{error}");
        let text = format!("{HEADER}Asthma,Yes,Yes\n");
        let error = read_csv(text.as_bytes()).unwrap_err();
        assert_eq!((error.line, error.column), (2, None));
    }
}
