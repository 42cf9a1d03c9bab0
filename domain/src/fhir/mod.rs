//! FHIR R4 as other systems read the platform: the resources served under
//! `/fhir/` (and nothing more), written as plain serde types. Every element
//! is optional on the wire unless FHIR requires it, and empty ones are left
//! out, as FHIR asks (no `null`, no empty arrays).
//!
//! The data types are here; the resources in [`resources`]; the search
//! parameters in [`search`]; the mapping from the platform's own types and
//! the reads (through the medical-data policy and trail) in
//! `services::fhir`.

use serde::Serialize;

pub mod resources;
pub mod search;

pub use resources::*;

/// The FHIR version served.
pub const FHIR_VERSION: &str = "4.0.1";
/// The media type of every answer.
pub const MEDIA_TYPE: &str = "application/fhir+json";
/// LOINC.
pub const LOINC: &str = "http://loinc.org";
/// UCUM, for quantities.
pub const UCUM: &str = "http://unitsofmeasure.org";
/// ICD-10 (WHO).
pub const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";
/// Where the platform's own code systems and identifiers live.
pub const OWN: &str = "https://medplat.fr/fhir";

/// `None` and empty lists are left out of the JSON.
fn empty<T>(list: &[T]) -> bool {
    list.is_empty()
}

/// A code in a code system.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coding {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Coding {
    /// `code` of `system`, shown as `display`.
    pub fn new(system: &str, code: &str, display: Option<&str>) -> Self {
        Self {
            system: Some(system.to_owned()),
            code: Some(code.to_owned()),
            display: display.map(str::to_owned),
        }
    }
}

/// Codes with a text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CodeableConcept {
    #[serde(skip_serializing_if = "empty")]
    pub coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    /// One code.
    pub fn coded(coding: Coding) -> Self {
        Self {
            text: coding.display.clone(),
            coding: vec![coding],
        }
    }

    /// Free text only.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            coding: Vec::new(),
            text: Some(text.into()),
        }
    }
}

/// A reference to another resource (`Patient/5`), with its name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Reference {
    /// `{kind}/{id}`, shown as `display`.
    pub fn to(kind: &str, id: impl std::fmt::Display, display: Option<String>) -> Self {
        Self {
            reference: Some(format!("{kind}/{id}")),
            display,
        }
    }
}

/// An identifier in a namespace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Identifier {
    pub system: String,
    pub value: String,
}

/// A person's name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HumanName {
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(skip_serializing_if = "empty")]
    pub given: Vec<String>,
}

impl HumanName {
    /// The official name from its parts (blank parts left out).
    pub fn official(given: &str, family: &str) -> Self {
        let (given, family) = (given.trim(), family.trim());
        let text = [given, family]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            use_: Some("official"),
            text: (!text.is_empty()).then_some(text),
            family: (!family.is_empty()).then(|| family.to_owned()),
            given: if given.is_empty() {
                Vec::new()
            } else {
                vec![given.to_owned()]
            },
        }
    }

    /// A name known only as one text.
    pub fn text(text: &str) -> Self {
        Self {
            text: Some(text.to_owned()),
            ..Self::default()
        }
    }
}

/// A phone number or an e-mail address.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactPoint {
    /// `phone` or `email`.
    pub system: &'static str,
    pub value: String,
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<&'static str>,
}

impl ContactPoint {
    pub fn phone(value: &str, use_: Option<&'static str>) -> Self {
        Self {
            system: "phone",
            value: value.to_owned(),
            use_,
        }
    }

    pub fn email(value: &str) -> Self {
        Self {
            system: "email",
            value: value.to_owned(),
            use_: None,
        }
    }
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
}

/// From one instant to another (either may be open).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// A measured amount in a UCUM unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantity {
    pub value: f64,
    pub unit: String,
    pub system: &'static str,
    pub code: String,
}

/// Profiles and the last change of a resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    #[serde(skip_serializing_if = "empty")]
    pub profile: Vec<String>,
}

/// An instant as FHIR writes it (`2026-12-06T09:30:00Z`, to the second
/// unless it has milliseconds).
pub fn instant(at: jiff::Timestamp) -> String {
    at.to_string()
}

/// An instant given in Unix milliseconds.
pub fn instant_ms(ms: i64) -> Option<String> {
    jiff::Timestamp::from_millisecond(ms).ok().map(instant)
}
