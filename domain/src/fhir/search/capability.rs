//! What the server can do (`GET /fhir/metadata`): the CapabilityStatement,
//! built from the table of resource types and their search parameters.

use jiff::Timestamp;
use serde::Serialize;

use super::params::ResourceType;
use crate::fhir::{CodeableConcept, FHIR_VERSION, MEDIA_TYPE, empty};

/// What the server can do (`GET /fhir/metadata`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityStatement {
    pub status: &'static str,
    pub date: String,
    pub publisher: &'static str,
    pub kind: &'static str,
    pub software: Software,
    pub implementation: Implementation,
    pub fhir_version: &'static str,
    pub format: Vec<&'static str>,
    pub rest: Vec<Rest>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Software {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Implementation {
    pub description: &'static str,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rest {
    pub mode: &'static str,
    pub documentation: &'static str,
    pub security: Security,
    pub resource: Vec<RestResource>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Security {
    pub service: Vec<CodeableConcept>,
    pub description: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestResource {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub interaction: Vec<Interaction>,
    #[serde(skip_serializing_if = "empty")]
    pub search_param: Vec<SearchParam>,
    #[serde(skip_serializing_if = "empty")]
    pub operation: Vec<Operation>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interaction {
    pub code: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchParam {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub documentation: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    pub name: &'static str,
    pub definition: &'static str,
}

impl CapabilityStatement {
    /// The statement of this server at `base` (`https://…/fhir`), dated `now`.
    pub fn of_server(base: &str, version: &'static str, now: Timestamp) -> Self {
        let resource = ResourceType::ALL
            .iter()
            .map(|kind| RestResource {
                kind: kind.as_str(),
                interaction: if kind.readable() {
                    vec![
                        Interaction { code: "read" },
                        Interaction {
                            code: "search-type",
                        },
                    ]
                } else {
                    vec![Interaction {
                        code: "search-type",
                    }]
                },
                search_param: kind
                    .params()
                    .iter()
                    .map(|p| SearchParam {
                        name: p.name,
                        kind: p.kind,
                        documentation: p.doc,
                    })
                    .collect(),
                operation: if *kind == ResourceType::Patient {
                    vec![Operation {
                        name: "everything",
                        definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                    }]
                } else {
                    Vec::new()
                },
            })
            .collect();
        Self {
            status: "active",
            date: crate::fhir::instant(now),
            publisher: "MedPlat",
            kind: "instance",
            software: Software {
                name: "MedPlat",
                version,
            },
            implementation: Implementation {
                description: "MedPlat's FHIR R4 read API",
                url: base.to_owned(),
            },
            fhir_version: FHIR_VERSION,
            format: vec![MEDIA_TYPE, "json"],
            rest: vec![Rest {
                mode: "server",
                documentation: "Read-only. A patient reads their own data; a doctor the data of the patients in their care (or under emergency access); every read is written to the patient's access trail.",
                security: Security {
                    service: vec![CodeableConcept::coded(crate::fhir::Coding::new(
                        "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "OAuth",
                        Some("OAuth"),
                    ))],
                    description: "Authorization: Bearer <access token> from POST /api/token/",
                },
                resource,
            }],
        }
    }
}
