//! Patients and doctors: a Patient from an account and its medical profile,
//! a doctor's public profile as a Practitioner and their PractitionerRole.

use super::{account_identifier, blank, language, own};
use crate::accounts::User;
use crate::fhir::*;
use crate::medical::MedicalProfile;
use crate::store::doctors::DoctorListing;

/// A patient from their account and medical profile.
pub fn patient(user: &User, profile: &MedicalProfile) -> Patient {
    let mut telecom = Vec::new();
    if let Some(phone) = &profile.mobile_phone {
        telecom.push(ContactPoint::phone(phone, Some("mobile")));
    }
    if let Some(email) = blank(&user.email) {
        telecom.push(ContactPoint::email(&email));
    }
    let contact = profile
        .emergency_contact
        .iter()
        .map(|c| PatientContact {
            relationship: vec![
                CodeableConcept::coded(Coding::new(
                    "http://terminology.hl7.org/CodeSystem/v2-0131",
                    "C",
                    Some("Emergency Contact"),
                )),
                CodeableConcept::text(c.relation.clone()),
            ],
            name: Some(HumanName::text(&c.name)),
            telecom: vec![ContactPoint::phone(&c.phone, None)],
        })
        .collect();
    Patient {
        id: user.id.to_string(),
        meta: profile.updated_at.and_then(instant_ms).map(|at| Meta {
            last_updated: Some(at),
            profile: Vec::new(),
        }),
        identifier: vec![account_identifier(user.id)],
        active: user.active,
        name: vec![HumanName::official(&user.first_name, &user.last_name)],
        telecom,
        gender: profile.sex.map(|s| s.as_str()),
        birth_date: profile.date_of_birth.map(|d| d.to_string()),
        address: profile
            .postal_code
            .iter()
            .map(|code| Address {
                text: None,
                postal_code: Some(code.clone()),
            })
            .collect(),
        contact,
        communication: user
            .language
            .iter()
            .map(|code| Communication {
                language: language(code),
                preferred: true,
            })
            .collect(),
    }
}

pub(super) fn doctor_name(d: &DoctorListing) -> String {
    format!("{} {}", d.first_name, d.last_name)
}

/// A doctor's public profile.
pub fn practitioner(d: &DoctorListing) -> Practitioner {
    let mut telecom = Vec::new();
    if let Some(phone) = blank(&d.phone) {
        telecom.push(ContactPoint::phone(&phone, Some("work")));
    }
    if let Some(email) = blank(&d.email) {
        telecom.push(ContactPoint::email(&email));
    }
    Practitioner {
        id: d.id.to_string(),
        identifier: vec![account_identifier(d.id)],
        active: true,
        name: vec![HumanName::official(&d.first_name, &d.last_name)],
        telecom,
        address: blank(&d.address)
            .map(|text| Address {
                text: Some(text),
                postal_code: None,
            })
            .into_iter()
            .collect(),
        communication: d.languages.iter().map(|l| language(l)).collect(),
    }
}

pub(super) fn specialty(d: &DoctorListing) -> Vec<CodeableConcept> {
    d.specialty
        .iter()
        .map(|s| CodeableConcept {
            coding: vec![Coding::new(
                &own("CodeSystem/specialty"),
                &s.code,
                Some(&s.name_en),
            )],
            text: Some(s.name_fr.clone()),
        })
        .collect()
}

/// What a doctor does: one role per doctor, with their specialty.
pub fn role(d: &DoctorListing) -> PractitionerRole {
    PractitionerRole {
        id: d.id.to_string(),
        active: true,
        practitioner: Reference::to("Practitioner", d.id, Some(doctor_name(d))),
        code: vec![CodeableConcept::coded(Coding::new(
            "http://terminology.hl7.org/CodeSystem/practitioner-role",
            "doctor",
            Some("Doctor"),
        ))],
        specialty: specialty(d),
        telecom: blank(&d.phone)
            .map(|p| ContactPoint::phone(&p, Some("work")))
            .into_iter()
            .collect(),
    }
}
