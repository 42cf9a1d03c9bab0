//! Which resources are served, which search parameters each takes (one
//! table, read by the parser and by the CapabilityStatement), and the
//! parsing of a search's query string into a checked [`Search`].

use jiff::{SignedDuration, Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

use super::{CodeableConcept, FHIR_VERSION, MEDIA_TYPE, empty};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};

wire_enum! {
    /// The resource types served under `/fhir/`.
    ResourceType {
        Patient => "Patient",
        Practitioner => "Practitioner",
        PractitionerRole => "PractitionerRole",
        Schedule => "Schedule",
        Slot => "Slot",
        Appointment => "Appointment",
        Observation => "Observation",
        MedicationStatement => "MedicationStatement",
        Condition => "Condition",
        Encounter => "Encounter",
    }
}

/// Results per page when `_count` is not given, and at most.
pub const DEFAULT_COUNT: i64 = 50;
pub const MAX_COUNT: i64 = 500;
/// Pages beyond this are refused (narrow the search instead).
pub const MAX_PAGE: i64 = 10_000;

/// A search parameter: its name, FHIR type and what it means.
pub struct Param {
    pub name: &'static str,
    pub kind: &'static str,
    pub doc: &'static str,
}

const fn p(name: &'static str, kind: &'static str, doc: &'static str) -> Param {
    Param { name, kind, doc }
}

const PATIENT: Param = p(
    "patient",
    "reference",
    "The patient (`5` or `Patient/5`); patients may leave it out",
);
const COUNT: Param = p(
    "_count",
    "number",
    "Results per page (1 to 500, 50 by default)",
);
const PAGE: Param = p("_page", "number", "Which page of results (from 1)");

impl ResourceType {
    /// The search parameters this type takes.
    pub fn params(self) -> &'static [Param] {
        use ResourceType::*;
        match self {
            Patient => const { &[p("_id", "token", "The patient's id"), COUNT, PAGE] },
            Practitioner => {
                const {
                    &[
                        p("_id", "token", "The doctor's id"),
                        p("name", "string", "Part of the doctor's name"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            PractitionerRole => {
                const {
                    &[
                        p("practitioner", "reference", "The doctor"),
                        p("specialty", "token", "The specialty's code (`cardiology`)"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Schedule => {
                const {
                    &[
                        p("actor", "reference", "The doctor (`Practitioner/3`)"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Slot => {
                const {
                    &[
                        p("schedule", "reference", "The doctor's schedule (required)"),
                        p(
                            "start",
                            "date",
                            "When the slot starts (`ge`, `lt`…; 7 days from today by default, 31 at most)",
                        ),
                        p("status", "token", "`free` or `busy`"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Appointment => {
                const {
                    &[
                        PATIENT,
                        p("practitioner", "reference", "The doctor"),
                        p("date", "date", "When the appointment starts"),
                        p(
                            "status",
                            "token",
                            "`pending`, `booked`, `fulfilled`, `cancelled` or `noshow`",
                        ),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Observation => {
                const {
                    &[
                        PATIENT,
                        p(
                            "code",
                            "token",
                            "LOINC code (`http://loinc.org|8867-4`) or the vital's name (`heart_rate`)",
                        ),
                        p(
                            "date",
                            "date",
                            "When it was measured (the last 24 hours by default, 366 days at most)",
                        ),
                        p("category", "token", "`vital-signs`"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            MedicationStatement => {
                const {
                    &[
                        PATIENT,
                        p("status", "token", "`active`, `completed` or `intended`"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Condition => {
                const {
                    &[
                        PATIENT,
                        p(
                            "code",
                            "token",
                            "ICD-10 code (`http://hl7.org/fhir/sid/icd-10|I10`)",
                        ),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Encounter => {
                const {
                    &[
                        PATIENT,
                        p("date", "date", "When the consultation took place"),
                        p("status", "token", "`planned`, `in-progress` or `finished`"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
        }
    }

    /// Whether `GET [type]/[id]` reads one (Slots are computed: searched only).
    pub fn readable(self) -> bool {
        self != Self::Slot
    }
}

/// A period of time, its end excluded; either side may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl Range {
    /// Whether `at` falls in the range.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.from.is_none_or(|f| at >= f) && self.to.is_none_or(|t| at < t)
    }
}

/// A checked search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub kind: ResourceType,
    pub id: Option<i64>,
    pub patient: Option<UserId>,
    /// `practitioner`, `actor` or `schedule`: a doctor.
    pub practitioner: Option<UserId>,
    pub name: Option<String>,
    pub specialty: Option<String>,
    /// `code`: (system, code).
    pub code: Option<(Option<String>, String)>,
    pub status: Vec<String>,
    /// `date` or `start`.
    pub range: Range,
    pub count: i64,
    pub page: i64,
}

fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> DomainError {
    DomainError::invalid(field, code, message)
}

/// The id of a reference, given as `5` or `{kind}/5`.
fn reference_id(field: &'static str, raw: &str, kind: &str) -> DomainResult<i64> {
    let raw = raw.trim();
    let id = raw
        .strip_prefix(kind)
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(raw);
    id.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        invalid(
            field,
            "invalid_reference",
            format!("expected `{kind}/<id>`"),
        )
    })
}

fn number(field: &'static str, raw: &str, max: i64) -> DomainResult<i64> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| invalid(field, "out_of_range", format!("a number from 1 to {max}")))
}

/// Narrows `range` by one `date` value: an optional prefix (`eq`, `ge`,
/// `gt`, `le`, `lt`) and a day (`2026-12-06`, the whole day in UTC) or an
/// instant with its offset.
fn narrow(field: &'static str, range: &mut Range, raw: &str) -> DomainResult<()> {
    let raw = raw.trim();
    let (prefix, value) = match raw.get(..2) {
        Some(p @ ("eq" | "ge" | "gt" | "le" | "lt")) => (p, &raw[2..]),
        _ => ("eq", raw),
    };
    let bad = || {
        invalid(
            field,
            "invalid_date",
            "a day (`2026-12-06`) or an instant with its offset (`2026-12-06T09:00:00+01:00`), optionally after `ge`, `gt`, `le`, `lt` or `eq`",
        )
    };
    let (start, end) = if value.len() == 10 {
        let day: Date = value.parse().map_err(|_| bad())?;
        let start = day.to_zoned(jiff::tz::TimeZone::UTC).map_err(|_| bad())?;
        let end = start.tomorrow().map_err(|_| bad())?;
        (start.timestamp(), end.timestamp())
    } else {
        let at: Timestamp = value.parse().map_err(|_| bad())?;
        (at, at + SignedDuration::from_millis(1))
    };
    let later = |a: Option<Timestamp>, b: Timestamp| Some(a.map_or(b, |a| a.max(b)));
    let sooner = |a: Option<Timestamp>, b: Timestamp| Some(a.map_or(b, |a| a.min(b)));
    match prefix {
        "ge" => range.from = later(range.from, start),
        "gt" => range.from = later(range.from, end),
        "le" => range.to = sooner(range.to, end),
        "lt" => range.to = sooner(range.to, start),
        _ => {
            range.from = later(range.from, start);
            range.to = sooner(range.to, end);
        }
    }
    Ok(())
}

fn name_of(field: &str) -> &'static str {
    match field {
        "_id" => "_id",
        "patient" => "patient",
        "practitioner" => "practitioner",
        "actor" => "actor",
        "schedule" => "schedule",
        "name" => "name",
        "specialty" => "specialty",
        "code" => "code",
        "status" => "status",
        "date" => "date",
        "start" => "start",
        "category" => "category",
        "_count" => "_count",
        "_page" => "_page",
        _ => "query",
    }
}

impl Search {
    /// Everything of `kind`, first page.
    pub fn new(kind: ResourceType) -> Self {
        Self {
            kind,
            id: None,
            patient: None,
            practitioner: None,
            name: None,
            specialty: None,
            code: None,
            status: Vec::new(),
            range: Range::default(),
            count: DEFAULT_COUNT,
            page: 1,
        }
    }

    /// Parses the query string of a search of `kind`. A parameter the type
    /// does not take is refused (not silently ignored), as is a bad value.
    pub fn parse(kind: ResourceType, pairs: &[(String, String)]) -> DomainResult<Self> {
        let mut search = Self::new(kind);
        for (key, value) in pairs {
            let field = name_of(key);
            if !kind.params().iter().any(|p| p.name == key.as_str()) {
                return Err(invalid(
                    field,
                    "unknown_parameter",
                    format!(
                        "{} searches take {}",
                        kind.as_str(),
                        kind.params()
                            .iter()
                            .map(|p| p.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            let value = value.trim();
            if value.is_empty() {
                return Err(invalid(field, "blank", "a value is required"));
            }
            match key.as_str() {
                "_id" => search.id = Some(number(field, value, i64::MAX)?),
                "patient" => search.patient = Some(reference_id(field, value, "Patient")?),
                "practitioner" | "actor" => {
                    search.practitioner = Some(reference_id(field, value, "Practitioner")?);
                }
                "schedule" => search.practitioner = Some(reference_id(field, value, "Schedule")?),
                "name" => search.name = Some(value.to_owned()),
                "specialty" => search.specialty = Some(value.to_owned()),
                "code" => {
                    search.code = Some(match value.split_once('|') {
                        Some((system, code)) => (
                            Some(system.to_owned()).filter(|s| !s.is_empty()),
                            code.to_owned(),
                        ),
                        None => (None, value.to_owned()),
                    });
                }
                "category" => {
                    let code = value.rsplit('|').next().unwrap_or(value);
                    if code != "vital-signs" {
                        return Err(invalid(field, "unknown_category", "only `vital-signs`"));
                    }
                }
                "status" => search
                    .status
                    .extend(value.split(',').map(|s| s.trim().to_owned())),
                "date" | "start" => narrow(field, &mut search.range, value)?,
                "_count" => search.count = number(field, value, MAX_COUNT)?,
                "_page" => search.page = number(field, value, MAX_PAGE)?,
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (search.range.from, search.range.to)
            && from >= to
        {
            return Err(invalid(
                "date",
                "empty_period",
                "the period ends before it starts",
            ));
        }
        Ok(search)
    }

    /// Rows to skip for this page.
    pub fn offset(&self) -> usize {
        usize::try_from((self.page - 1) * self.count).unwrap_or(usize::MAX)
    }
}

/// The period of `$everything` (`start`, `end`: days or instants, both
/// included); nothing else is taken.
pub fn everything_range(pairs: &[(String, String)]) -> DomainResult<Range> {
    let mut range = Range::default();
    for (key, value) in pairs {
        match key.as_str() {
            "start" => narrow("start", &mut range, &format!("ge{}", value.trim()))?,
            "end" => narrow("end", &mut range, &format!("le{}", value.trim()))?,
            _ => {
                return Err(invalid(
                    "query",
                    "unknown_parameter",
                    "$everything takes start and end",
                ));
            }
        }
    }
    if let (Some(from), Some(to)) = (range.from, range.to)
        && from >= to
    {
        return Err(invalid(
            "end",
            "empty_period",
            "the period ends before it starts",
        ));
    }
    Ok(range)
}

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
            date: super::instant(now),
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
                    service: vec![CodeableConcept::coded(super::Coding::new(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn dates_with_prefixes_make_a_half_open_range() {
        let s = Search::parse(
            ResourceType::Observation,
            &pairs(&[("date", "ge2026-12-01"), ("date", "lt2026-12-03")]),
        )
        .unwrap();
        assert_eq!(s.range.from.unwrap().to_string(), "2026-12-01T00:00:00Z");
        assert_eq!(s.range.to.unwrap().to_string(), "2026-12-03T00:00:00Z");
        let day =
            Search::parse(ResourceType::Appointment, &pairs(&[("date", "2026-12-01")])).unwrap();
        assert_eq!(day.range.from.unwrap().to_string(), "2026-12-01T00:00:00Z");
        assert_eq!(day.range.to.unwrap().to_string(), "2026-12-02T00:00:00Z");
        let le = Search::parse(
            ResourceType::Observation,
            &pairs(&[("date", "le2026-12-01T10:00:00+01:00")]),
        )
        .unwrap();
        assert_eq!(le.range.to.unwrap().to_string(), "2026-12-01T09:00:00.001Z");
    }

    #[test]
    fn bad_values_and_unknown_parameters_are_refused_by_name() {
        for (kind, key, value, field) in [
            (ResourceType::Observation, "date", "yesterday", "date"),
            (
                ResourceType::Observation,
                "date",
                "2026-12-01T10:00:00",
                "date",
            ),
            (
                ResourceType::Observation,
                "patient",
                "Practitioner/3",
                "patient",
            ),
            (ResourceType::Observation, "_count", "0", "_count"),
            (ResourceType::Observation, "_count", "501", "_count"),
            (
                ResourceType::Observation,
                "category",
                "laboratory",
                "category",
            ),
            (ResourceType::Patient, "code", "x", "code"),
            (ResourceType::Slot, "frobnicate", "1", "query"),
            (ResourceType::Appointment, "status", " ", "status"),
        ] {
            match Search::parse(kind, &pairs(&[(key, value)])) {
                Err(DomainError::Validation { field: f, .. }) => {
                    assert_eq!(f, field, "{key}={value}")
                }
                other => panic!("{key}={value}: {other:?}"),
            }
        }
        assert!(
            Search::parse(
                ResourceType::Observation,
                &pairs(&[("date", "ge2026-12-03"), ("date", "lt2026-12-01")])
            )
            .is_err()
        );
    }

    #[test]
    fn references_tokens_and_paging() {
        let s = Search::parse(
            ResourceType::Observation,
            &pairs(&[
                ("patient", "Patient/5"),
                ("code", "http://loinc.org|8867-4"),
                ("_count", "10"),
                ("_page", "3"),
            ]),
        )
        .unwrap();
        assert_eq!(s.patient, Some(5));
        assert_eq!(
            s.code,
            Some((Some("http://loinc.org".into()), "8867-4".into()))
        );
        assert_eq!((s.count, s.page, s.offset()), (10, 3, 20));
        let slot =
            Search::parse(ResourceType::Slot, &pairs(&[("schedule", "Schedule/3")])).unwrap();
        assert_eq!(slot.practitioner, Some(3));
    }

    #[test]
    fn the_statement_lists_every_type_with_its_parameters() {
        let c = CapabilityStatement::of_server("http://x/fhir", "1", Timestamp::UNIX_EPOCH);
        let json = serde_json::to_value(&c).unwrap();
        let resources = json["rest"][0]["resource"].as_array().unwrap();
        assert_eq!(resources.len(), ResourceType::ALL.len());
        let slot = resources.iter().find(|r| r["type"] == "Slot").unwrap();
        assert_eq!(slot["interaction"].as_array().unwrap().len(), 1);
        assert!(
            slot["searchParam"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "schedule")
        );
    }
}
