//! OperationOutcome errors, and search pages that link to each other.

use reqwest::Method;
use serde_json::{Value, json};

use super::readings;
use crate::common::medical::*;
use crate::common::spawn_app;

#[tokio::test]
async fn fhir_errors_are_operation_outcomes_and_pages_link_to_each_other() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    readings(&app, &w).await;
    let p = w.patient.id;

    let anonymous = app
        .client
        .get(app.url(&format!("/fhir/Patient/{p}")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(
        anonymous.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(body["resourceType"], "OperationOutcome");
    assert_eq!(body["issue"][0]["code"], "login");

    let metadata = app
        .client
        .get(app.url("/fhir/metadata"))
        .send()
        .await
        .unwrap();
    assert_eq!(metadata.status(), 200, "the statement is public");
    let statement: Value = metadata.json().await.unwrap();
    assert_eq!(statement["resourceType"], "CapabilityStatement");
    assert_eq!(statement["fhirVersion"], "4.0.1");

    for (path, status, code, field) in [
        (
            "/fhir/Observation?date=yesterday",
            400,
            "invalid",
            Some("date"),
        ),
        (
            "/fhir/Observation?colour=blue",
            400,
            "invalid",
            Some("query"),
        ),
        (
            "/fhir/Observation?_count=9999",
            400,
            "invalid",
            Some("_count"),
        ),
        (
            "/fhir/Appointment?status=maybe",
            400,
            "invalid",
            Some("status"),
        ),
        ("/fhir/Slot", 400, "invalid", Some("schedule")),
        (
            "/fhir/Observation?_format=xml",
            400,
            "invalid",
            Some("_format"),
        ),
        ("/fhir/Frobnicate", 404, "not-found", None),
        ("/fhir/Patient/abc", 404, "not-found", None),
        ("/fhir/Patient/999999", 404, "not-found", None),
        ("/fhir/Slot/1", 404, "not-found", None),
        ("/fhir/Patient/1/2/3/4", 404, "not-found", None),
    ] {
        let sent = get(&app, &w.patient, path).await;
        assert_eq!(sent.status, status, "{path}: {}", sent.text);
        assert!(
            sent.content_type.starts_with("application/fhir+json"),
            "{path}"
        );
        assert_eq!(sent.body["resourceType"], "OperationOutcome", "{path}");
        assert_eq!(sent.body["issue"][0]["severity"], "error", "{path}");
        assert_eq!(sent.body["issue"][0]["code"], code, "{path}");
        if let Some(field) = field {
            assert_eq!(
                sent.body["issue"][0]["expression"],
                json!([field]),
                "{path}"
            );
        }
    }
    let written = send(
        &app,
        &w.patient,
        Method::POST,
        "/fhir/Patient",
        Some(json!({})),
    )
    .await;
    assert_eq!(written.status, 405, "{}", written.text);
    assert_eq!(written.body["issue"][0]["code"], "not-supported");

    // Six readings, two a page: three pages linked both ways.
    let first = get(
        &app,
        &w.patient,
        &format!("/fhir/Observation?patient={p}&_count=2"),
    )
    .await;
    assert_eq!(first.body["total"], 6);
    let link = |body: &Value, relation: &str| -> Option<String> {
        body["link"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["relation"] == relation)
            .map(|l| l["url"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        link(&first.body, "self").unwrap(),
        app.url(&format!("/fhir/Observation?patient={p}&_count=2"))
    );
    assert_eq!(link(&first.body, "previous"), None);
    let mut seen = Vec::new();
    let mut page = first.body.clone();
    loop {
        for e in page["entry"].as_array().unwrap() {
            assert_eq!(
                e["fullUrl"],
                app.url(&format!(
                    "/fhir/Observation/{}",
                    e["resource"]["id"].as_str().unwrap()
                ))
            );
            seen.push(e["resource"]["id"].as_str().unwrap().to_owned());
        }
        let Some(next) = link(&page, "next") else {
            break;
        };
        let path = next.strip_prefix(&app.base).unwrap().to_owned();
        page = get(&app, &w.patient, &path).await.body;
        assert!(link(&page, "previous").is_some());
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6, "every reading once");

    // Dates narrow the search.
    let later = get(&app, &w.patient, "/fhir/Observation?date=ge2100-01-01").await;
    assert_eq!(later.status, 200, "{}", later.text);
    assert_eq!(later.body["total"], 0);
    let heart = get(
        &app,
        &w.patient,
        "/fhir/Observation?code=http://loinc.org|8867-4",
    )
    .await;
    assert_eq!(heart.body["total"], 2);
    let by_name = get(&app, &w.patient, "/fhir/Observation?code=heart_rate").await;
    assert_eq!(by_name.body["total"], 2);
}
