//! The platform's own types written as FHIR R4 resources. Pure functions:
//! what may be read was decided before.
//!
//! Here: the helpers every resource shares; patients and doctors (`people`),
//! schedules, slots and appointments (`calendar`), vital signs
//! (`observations`), treatments (`medications`) and consultation records with
//! their diagnoses (`encounters`).

mod calendar;
mod encounters;
mod medications;
mod observations;
mod people;

use crate::accounts::UserId;
use crate::fhir::*;

pub use calendar::{appointment, appointment_status, schedule, slot};
pub use encounters::{condition, encounter, encounter_start, encounter_status, has_condition};
pub use medications::{medication, medication_status};
pub use observations::{observation, vital_of_code};
pub use people::{patient, practitioner, role};

const LANGUAGES: &str = "urn:ietf:bcp:47";

fn own(path: &str) -> String {
    format!("{OWN}/{path}")
}

fn account_identifier(id: UserId) -> Identifier {
    Identifier {
        system: own("sid/account"),
        value: id.to_string(),
    }
}

fn language(code: &str) -> CodeableConcept {
    let display = match code {
        "fr" => Some("French"),
        "en" => Some("English"),
        _ => None,
    };
    CodeableConcept::coded(Coding::new(LANGUAGES, code, display))
}

fn blank(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consultations::ConsultationStatus;
    use crate::scheduling::appointments::AppointmentStatus;
    use crate::vitals::Vital;

    #[test]
    fn observation_codes_read_loinc_and_our_names() {
        assert_eq!(vital_of_code(Some(LOINC), "8867-4"), Some(Vital::HeartRate));
        assert_eq!(vital_of_code(None, "59408-5"), Some(Vital::Spo2));
        assert_eq!(vital_of_code(None, "temperature"), Some(Vital::Temperature));
        assert_eq!(vital_of_code(Some(LOINC), "heart_rate"), None);
        assert_eq!(
            vital_of_code(Some("http://snomed.info/sct"), "8867-4"),
            None
        );
    }

    #[test]
    fn statuses_in_fhir_words() {
        assert_eq!(appointment_status(AppointmentStatus::Confirmed), "booked");
        assert_eq!(appointment_status(AppointmentStatus::Refused), "cancelled");
        assert_eq!(appointment_status(AppointmentStatus::NoShow), "noshow");
        assert_eq!(encounter_status(ConsultationStatus::Validated), "finished");
        assert_eq!(
            encounter_status(ConsultationStatus::Rejected),
            "in-progress"
        );
    }
}
