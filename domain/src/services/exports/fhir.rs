//! FHIR Bulk Data: the same table written as FHIR R4 resources, one NDJSON
//! file per resource type in the export's folder (`Patient.ndjson` with the
//! pseudonyms, and `Encounter`, `Condition`, `Observation` with LOINC codes
//! or `MedicationStatement` as the dataset holds), the way a FHIR server's
//! `$export` delivers them.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::write::RowWriter;
use crate::error::{DomainError, DomainResult};
use crate::exports::table::{Cell, Column};
use crate::exports::{Dataset, fhir_resource_types as resource_types};

/// Where our own extensions are defined.
const EXTENSIONS: &str = "https://medplat.fr/fhir/StructureDefinition";

pub struct Fhir {
    dataset: Dataset,
    names: Vec<&'static str>,
    dir: PathBuf,
    files: BTreeMap<&'static str, BufWriter<File>>,
    /// Resources written per type.
    counts: BTreeMap<&'static str, u64>,
    patients: HashSet<String>,
    rows: u64,
}

impl Fhir {
    pub fn new(dir: &Path, columns: &[Column], dataset: Dataset) -> DomainResult<Self> {
        std::fs::create_dir_all(dir).map_err(DomainError::internal)?;
        let mut files = BTreeMap::new();
        for ty in resource_types(dataset) {
            let file =
                File::create(dir.join(format!("{ty}.ndjson"))).map_err(DomainError::internal)?;
            files.insert(*ty, BufWriter::with_capacity(1 << 16, file));
        }
        Ok(Self {
            dataset,
            names: columns.iter().map(|c| c.name).collect(),
            dir: dir.to_owned(),
            files,
            counts: BTreeMap::new(),
            patients: HashSet::new(),
            rows: 0,
        })
    }

    fn emit(&mut self, ty: &'static str, resource: &Value) -> DomainResult<()> {
        let out = self
            .files
            .get_mut(ty)
            .ok_or_else(|| DomainError::internal("a resource type without its file"))?;
        serde_json::to_writer(&mut *out, resource).map_err(DomainError::internal)?;
        out.write_all(b"\n").map_err(DomainError::internal)?;
        *self.counts.entry(ty).or_default() += 1;
        Ok(())
    }
}

/// A row's cells by column name.
struct Row<'a>(&'a [&'static str], &'a [Cell]);

impl Row<'_> {
    fn get(&self, name: &str) -> Option<&Cell> {
        self.0
            .iter()
            .position(|n| *n == name)
            .map(|i| &self.1[i])
            .filter(|c| !matches!(c, Cell::Null))
    }

    fn text(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Cell::Text(s) => Some(s.clone()),
            Cell::Int(n) => Some(n.to_string()),
            Cell::Date(d) => Some(d.to_string()),
            _ => None,
        }
    }

    fn int(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Cell::Int(n) => Some(*n),
            _ => None,
        }
    }

    fn float(&self, name: &str) -> Option<f64> {
        match self.get(name)? {
            Cell::Float(x) => Some(*x),
            Cell::Int(n) => Some(*n as f64),
            _ => None,
        }
    }

    /// The row's moment: the exact instant when the export has it, else
    /// its (shifted or rounded) day.
    fn when(&self, day: &str, instant: &str) -> Option<String> {
        match self.get(instant) {
            Some(Cell::Timestamp(t)) => Some(format!("{t:.0}")),
            _ => self.text(day),
        }
    }
}

fn subject(row: &Row<'_>) -> Value {
    json!({"reference": format!("Patient/{}", row.text("patient").unwrap_or_default())})
}

fn patient(row: &Row<'_>) -> Value {
    let mut p = Map::new();
    p.insert("resourceType".into(), json!("Patient"));
    p.insert("id".into(), json!(row.text("patient")));
    if let Some(sex) = row.text("sex") {
        p.insert("gender".into(), json!(sex));
    }
    let mut extension = Vec::new();
    if let Some(band) = row.text("age_band") {
        extension.push(json!({"url": format!("{EXTENSIONS}/age-band"), "valueString": band}));
    }
    if let Some(area) = row.text("postcode_area") {
        extension.push(json!({"url": format!("{EXTENSIONS}/postcode-area"), "valueString": area}));
    }
    if !extension.is_empty() {
        p.insert("extension".into(), Value::Array(extension));
    }
    if let (Some(last), Some(first)) = (row.text("last_name"), row.text("first_name")) {
        p.insert("name".into(), json!([{"family": last, "given": [first]}]));
        let mut telecom = vec![json!({"system": "email", "value": row.text("email")})];
        if let Some(phone) = row.text("phone") {
            telecom.push(json!({"system": "phone", "value": phone, "use": "mobile"}));
        }
        p.insert("telecom".into(), Value::Array(telecom));
        if let Some(birth) = row.text("birth_date") {
            p.insert("birthDate".into(), json!(birth));
        }
        if let Some(code) = row.text("postal_code") {
            p.insert("address".into(), json!([{"postalCode": code}]));
        }
    }
    Value::Object(p)
}

fn encounter_status(status: &str) -> &'static str {
    match status {
        "pending" | "confirmed" => "planned",
        "completed" | "validated" => "finished",
        "draft" | "submitted" => "in-progress",
        "cancelled" | "refused" | "no_show" | "rejected" => "cancelled",
        _ => "unknown",
    }
}

impl RowWriter for Fhir {
    fn write(&mut self, cells: &[Cell]) -> DomainResult<()> {
        let names = self.names.clone();
        let row = Row(&names, cells);
        self.rows += 1;
        let n = self.rows;
        if let Some(pseudonym) = row.text("patient")
            && self.patients.insert(pseudonym)
        {
            self.emit("Patient", &patient(&row))?;
        }
        match self.dataset {
            Dataset::Appointments => {
                let video = row.text("consultation_type").as_deref() == Some("video");
                let mut period = Map::new();
                if let Some(start) = row.when("date", "starts_at") {
                    period.insert("start".into(), json!(start));
                }
                let encounter = json!({
                    "resourceType": "Encounter",
                    "id": format!("appointment-{n}"),
                    "status": encounter_status(&row.text("status").unwrap_or_default()),
                    "class": {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                        "code": if video { "VR" } else { "AMB" },
                    },
                    "serviceType": {"text": row.text("specialty").unwrap_or_default()},
                    "subject": subject(&row),
                    "period": period,
                    "length": {
                        "value": row.int("duration_minutes").unwrap_or(0),
                        "unit": "min", "system": "http://unitsofmeasure.org", "code": "min",
                    },
                });
                self.emit("Encounter", &encounter)?;
            }
            Dataset::Consultations => {
                let id = format!("record-{n}");
                let status = row.text("status").unwrap_or_default();
                let mut encounter = json!({
                    "resourceType": "Encounter",
                    "id": id,
                    "status": encounter_status(&status),
                    "class": {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                        "code": "AMB",
                    },
                    "subject": subject(&row),
                });
                if let Some(start) = row.when("date", "created_at") {
                    encounter["period"] = json!({"start": start});
                }
                self.emit("Encounter", &encounter)?;
                if let Some(code) = row.text("icd10_code") {
                    let mut condition = json!({
                        "resourceType": "Condition",
                        "id": format!("diagnosis-{n}"),
                        "verificationStatus": {"coding": [{
                            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                            "code": if status == "validated" { "confirmed" } else { "provisional" },
                        }]},
                        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": code}]},
                        "subject": subject(&row),
                        "encounter": {"reference": format!("Encounter/{id}")},
                    });
                    if let Some(day) = row.text("validated_date").or_else(|| row.text("date")) {
                        condition["recordedDate"] = json!(day);
                    }
                    if let Some(text) = row.text("diagnosis") {
                        condition["code"]["text"] = json!(text);
                    }
                    self.emit("Condition", &condition)?;
                }
            }
            Dataset::Vitals => {
                let mut code = Map::new();
                if let Some(loinc) = row.text("loinc") {
                    code.insert(
                        "coding".into(),
                        json!([{"system": "http://loinc.org", "code": loinc}]),
                    );
                }
                code.insert("text".into(), json!(row.text("vital")));
                let unit = row.text("unit").unwrap_or_default();
                let mut observation = json!({
                    "resourceType": "Observation",
                    "id": format!("vital-{n}"),
                    "status": "final",
                    "category": [{"coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "vital-signs",
                    }]}],
                    "code": code,
                    "subject": subject(&row),
                    "valueQuantity": {
                        "value": row.float("mean").unwrap_or(0.0),
                        "unit": unit, "system": "http://unitsofmeasure.org", "code": unit,
                    },
                });
                if let Some(at) = row.when("date", "minute_at") {
                    observation["effectiveDateTime"] = json!(at);
                }
                self.emit("Observation", &observation)?;
            }
            Dataset::Treatments => {
                let mut statement = json!({
                    "resourceType": "MedicationStatement",
                    "id": format!("treatment-{n}"),
                    "status": if row.text("status").as_deref() == Some("active") { "active" } else { "completed" },
                    "medicationCodeableConcept": {"text": row.text("medication")},
                    "subject": subject(&row),
                    "dosage": [{"timing": {"repeat": {
                        "frequency": row.int("doses_per_day").unwrap_or(1),
                        "period": 1, "periodUnit": "d",
                        "boundsDuration": {
                            "value": row.int("duration_days").unwrap_or(1),
                            "unit": "d", "system": "http://unitsofmeasure.org", "code": "d",
                        },
                    }}}],
                });
                if let Some(start) = row.when("start_date", "started_at") {
                    statement["effectivePeriod"] = json!({"start": start});
                }
                if let Some(text) = row.text("instructions") {
                    statement["dosage"][0]["text"] = json!(text);
                }
                self.emit("MedicationStatement", &statement)?;
            }
            Dataset::SymptomChecks => {
                let mut condition = json!({
                    "resourceType": "Condition",
                    "id": format!("check-{n}"),
                    "verificationStatus": {"coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                        "code": "provisional",
                    }]},
                    "code": {"text": row.text("prediction")},
                    "subject": subject(&row),
                });
                if let Some(day) = row.when("date", "checked_at") {
                    condition["recordedDate"] = json!(day);
                }
                self.emit("Condition", &condition)?;
            }
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> DomainResult<()> {
        for out in self.files.values_mut() {
            out.flush().map_err(DomainError::internal)?;
        }
        let counts: Map<String, Value> = self
            .counts
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect();
        std::fs::write(
            self.dir.join("counts.json"),
            Value::Object(counts).to_string(),
        )
        .map_err(DomainError::internal)
    }
}

/// The resources of each type in a finished FHIR export's folder.
pub fn counts(dir: &Path) -> DomainResult<BTreeMap<String, u64>> {
    let raw = std::fs::read_to_string(dir.join("counts.json")).map_err(DomainError::internal)?;
    serde_json::from_str(&raw).map_err(DomainError::internal)
}
