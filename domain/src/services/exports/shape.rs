//! A row as read becomes a row as exported: pseudonyms, age bands,
//! dates shifted or rounded, free text scrubbed or left out, in the order of
//! [`Shape::columns`].

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::accounts::UserId;
use crate::exports::AgeBand;
use crate::exports::anonymise::{Pseudonyms, postcode_area};
use crate::exports::table::{Cell, Shape};
use crate::store::export_rows::{Fields, Patient, Source};
use crate::vitals::Vital;

/// What shaping a row needs besides the row.
pub struct Shaper {
    pub shape: Shape,
    pub pseudonyms: Pseudonyms,
    /// The clinic's zone: days and times of day are read there.
    pub zone: TimeZone,
    /// Names that scrubbed free text loses (folded).
    pub names: HashSet<String>,
    /// The day ages are counted at (the range's last day).
    pub age_day: Date,
    /// Each exported patient's pseudonym, age band, postcode area and date
    /// shift, worked out once (not per row).
    pub known: HashMap<UserId, Known>,
}

/// What every row of one patient shares.
#[derive(Debug, Clone)]
pub struct Known {
    pub pseudonym: String,
    pub age_band: Option<String>,
    pub postcode_area: Option<String>,
    pub shift_days: i64,
}

impl Shaper {
    /// The patient's age band.
    pub fn age_band(&self, patient: &Patient) -> Option<AgeBand> {
        patient.birth.and_then(|b| AgeBand::at(b, self.age_day))
    }

    /// What every row of `id` shares.
    pub fn known(&self, id: UserId, patient: &Patient) -> Known {
        Known {
            pseudonym: self.pseudonyms.of(id),
            age_band: self.age_band(patient).map(AgeBand::label),
            postcode_area: patient.postal_code.as_deref().and_then(postcode_area),
            shift_days: self.pseudonyms.shift_days(id),
        }
    }

    fn day(&self, patient: UserId, at: Timestamp) -> Date {
        let local = at.to_zoned(self.zone.clone()).date();
        match (self.shape.precision, self.known.get(&patient)) {
            (crate::exports::DatePrecision::Shifted, Some(k)) => local
                .checked_add(jiff::Span::new().days(k.shift_days))
                .unwrap_or(local),
            (precision, _) => self.pseudonyms.day(precision, patient, local),
        }
    }

    fn time(&self, at: Timestamp) -> String {
        let t = at.to_zoned(self.zone.clone()).time();
        format!("{:02}:{:02}", t.hour(), t.minute())
    }

    /// The cells of the `when` columns: day, time of day, exact instant.
    fn when(&self, out: &mut Vec<Cell>, patient: UserId, at: Timestamp) {
        out.push(Cell::Date(self.day(patient, at)));
        if self.shape.time_of_day() {
            out.push(Cell::Text(self.time(at)));
        }
        if self.shape.personal {
            out.push(Cell::Timestamp(at));
        }
    }

    fn free(&self, text: Option<&str>) -> Cell {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Cell::Null,
            Some(t) if self.shape.personal => Cell::Text(t.to_owned()),
            Some(t) => Cell::Text(crate::exports::anonymise::scrub(t, &self.names)),
        }
    }

    /// The exported cells of `row` of `patient`.
    pub fn cells(&self, row: &Source, patient: &Patient) -> Vec<Cell> {
        let mut c = Vec::with_capacity(24);
        let id = row.patient;
        let known = self
            .known
            .get(&id)
            .cloned()
            .unwrap_or_else(|| self.known(id, patient));
        c.push(Cell::Text(known.pseudonym));
        if self.shape.personal {
            c.extend([
                Cell::Int(id),
                Cell::Text(patient.last_name.clone()),
                Cell::Text(patient.first_name.clone()),
                Cell::Text(patient.email.clone()),
                Cell::text(patient.phone.clone()),
                patient.birth.map_or(Cell::Null, Cell::Date),
                Cell::text(patient.postal_code.clone()),
            ]);
        }
        c.push(Cell::text(known.age_band));
        c.push(Cell::text(patient.sex.clone()));
        c.push(Cell::text(known.postcode_area));
        match &row.fields {
            Fields::Appointment {
                doctor,
                specialty,
                ends_at,
                consultation_type,
                status,
                reason,
                created_at,
            } => {
                c.push(Cell::Text(self.pseudonyms.doctor(*doctor)));
                c.push(Cell::text(specialty.clone()));
                self.when(&mut c, id, row.at);
                c.push(Cell::Int(ends_at.duration_since(row.at).as_mins()));
                c.push(Cell::Text(consultation_type.clone()));
                c.push(Cell::Text(status.clone()));
                let booked = row.at.to_zoned(self.zone.clone()).date()
                    - created_at.to_zoned(self.zone.clone()).date();
                c.push(Cell::Int(i64::from(booked.get_days())));
                if self.shape.free_text {
                    c.push(self.free(Some(reason)));
                }
            }
            Fields::Consultation {
                doctor,
                specialty,
                status,
                validated_at,
                intake,
                examination,
                from_symptom_check,
                messages,
            } => {
                c.push(Cell::Text(self.pseudonyms.doctor(*doctor)));
                c.push(Cell::text(specialty.clone()));
                self.when(&mut c, id, row.at);
                c.push(Cell::Text(status.clone()));
                c.push(validated_at.map_or(Cell::Null, |v| Cell::Date(self.day(id, v))));
                let exam: serde_json::Value = serde_json::from_str(examination).unwrap_or_default();
                let field = |v: &serde_json::Value, name: &str| {
                    v.get(name).and_then(|x| x.as_str()).map(str::to_owned)
                };
                c.push(Cell::text(field(&exam, "icd10_code")));
                c.push(Cell::Bool(*from_symptom_check));
                c.push(Cell::Int(*messages));
                if self.shape.free_text {
                    let intake: serde_json::Value =
                        serde_json::from_str(intake).unwrap_or_default();
                    c.push(self.free(field(&intake, "reason").as_deref()));
                    c.push(self.free(field(&exam, "diagnosis").as_deref()));
                }
            }
            Fields::Vital {
                vital,
                min,
                max,
                sum,
                count,
            } => {
                let v = Vital::from_code(*vital);
                let spec = v.map(Vital::spec);
                c.push(Cell::text(v.map(|v| v.as_str())));
                c.push(Cell::text(spec.and_then(|s| s.loinc)));
                c.push(Cell::text(spec.map(|s| s.ucum)));
                self.when(&mut c, id, row.at);
                c.push(Cell::Float(*min));
                c.push(Cell::Float(*max));
                c.push(Cell::Float(if *count > 0 {
                    sum / *count as f64
                } else {
                    0.0
                }));
                c.push(Cell::Int(*count));
            }
            Fields::Treatment {
                medication,
                prescribed,
                frequency,
                duration_days,
                active,
                taken,
                skipped,
                instructions,
            } => {
                c.push(Cell::Text(medication.clone()));
                c.push(Cell::Bool(*prescribed));
                self.when(&mut c, id, row.at);
                c.push(Cell::Int(*duration_days));
                c.push(Cell::Int(*frequency));
                c.push(Cell::Text(
                    if *active { "active" } else { "finished" }.to_owned(),
                ));
                c.push(Cell::Int(*taken));
                c.push(Cell::Int(*skipped));
                if self.shape.free_text {
                    c.push(self.free(instructions.as_deref()));
                }
            }
            Fields::SymptomCheck {
                features,
                prediction,
                confidence,
                urgency,
                red_flags,
                specialty,
            } => {
                self.when(&mut c, id, row.at);
                c.push(Cell::Text(symptoms(features)));
                c.push(Cell::Text(prediction.clone()));
                c.push(Cell::Float(*confidence));
                c.push(Cell::Text(urgency.clone()));
                let flags: Vec<String> = serde_json::from_str(red_flags).unwrap_or_default();
                c.push(Cell::Text(flags.join(";")));
                c.push(Cell::Text(specialty.clone()));
            }
        }
        c
    }
}

/// The signs a check's features hold, `;`-separated (`fever;cough`).
fn symptoms(features: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(features).unwrap_or_default();
    ["fever", "cough", "fatigue", "difficulty_breathing"]
        .into_iter()
        .filter(|k| value.get(*k).and_then(serde_json::Value::as_bool) == Some(true))
        .collect::<Vec<_>>()
        .join(";")
}
