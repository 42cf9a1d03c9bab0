//! The parsing of searches and the CapabilityStatement, tried on their own.

use super::*;
use crate::error::DomainError;
use jiff::Timestamp;

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
    let day = Search::parse(ResourceType::Appointment, &pairs(&[("date", "2026-12-01")])).unwrap();
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
    let slot = Search::parse(ResourceType::Slot, &pairs(&[("schedule", "Schedule/3")])).unwrap();
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
