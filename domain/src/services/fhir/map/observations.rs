//! Vital signs: a reading as an Observation, coded in LOINC and in the
//! platform's own names, and the vital an Observation's code names.

use super::own;
use crate::fhir::*;
use crate::vitals::{Reading, Vital};

const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const VITAL_SIGNS_PROFILE: &str = "http://hl7.org/fhir/StructureDefinition/vitalsigns";

/// LOINC's name of a vital's code.
fn loinc_display(vital: Vital) -> &'static str {
    match vital {
        Vital::HeartRate => "Heart rate",
        Vital::RespiratoryRate => "Respiratory rate",
        Vital::Temperature => "Body temperature",
        Vital::Spo2 => "Oxygen saturation in Arterial blood by Pulse oximetry",
        Vital::Systolic => "Systolic blood pressure",
        Vital::Diastolic => "Diastolic blood pressure",
        Vital::Glucose => "Glucose [Mass/volume] in Blood",
        Vital::OxygenFlow => "Inhaled oxygen flow rate",
        Vital::Consciousness => "Level of consciousness (ACVPU)",
    }
}

/// The vital an Observation `code` names: its LOINC code, or the platform's
/// name for it (`heart_rate`).
pub fn vital_of_code(system: Option<&str>, code: &str) -> Option<Vital> {
    let vital_system = own("CodeSystem/vital");
    match system {
        Some(LOINC) => Vital::ALL
            .iter()
            .copied()
            .find(|v| v.spec().loinc == Some(code)),
        Some(s) if s == vital_system => Vital::parse(code),
        Some(_) => None,
        None => Vital::ALL
            .iter()
            .copied()
            .find(|v| v.spec().loinc == Some(code))
            .or_else(|| Vital::parse(code)),
    }
}

/// One reading as a vital-signs Observation.
pub fn observation(r: &Reading) -> Observation {
    let vital = r.type_donnee;
    let spec = vital.spec();
    let display = loinc_display(vital);
    let mut coding = Vec::new();
    if let Some(loinc) = spec.loinc {
        coding.push(Coding::new(LOINC, loinc, Some(display)));
    }
    coding.push(Coding::new(
        &own("CodeSystem/vital"),
        vital.as_str(),
        Some(display),
    ));
    Observation {
        id: r.id.to_string(),
        meta: spec.loinc.map(|_| Meta {
            last_updated: None,
            profile: vec![VITAL_SIGNS_PROFILE.to_owned()],
        }),
        status: "final",
        category: vec![CodeableConcept::coded(Coding::new(
            OBSERVATION_CATEGORY,
            "vital-signs",
            Some("Vital Signs"),
        ))],
        code: CodeableConcept {
            coding,
            text: Some(display.to_owned()),
        },
        subject: Reference::to("Patient", r.patient, None),
        effective_date_time: instant(r.timestamp),
        value_quantity: Some(Quantity {
            value: r.valeur,
            unit: spec.symbol.to_owned(),
            system: UCUM,
            code: spec.ucum.to_owned(),
        }),
    }
}
