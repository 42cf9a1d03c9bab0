//! Research exports as FHIR Bulk Data: the manifest names one NDJSON file per
//! resource type with its count, and every line of every file is a valid
//! resource for `fhir.resources` (the FHIR models researchers load bulk
//! exports with); patients are pseudonyms with an age band and a postcode
//! area, never a name, contact or birth date, and every resource's subject
//! is one of the file's patients.

use std::collections::HashSet;

use crate::common;

use common::exports::{finished, read_back, request, world};
use common::medical::{get, post};
use common::spawn_app;

#[tokio::test]
async fn fhir_bulk_files_are_valid_resources_without_identities() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = post(&app, &w.admin, "/api/v1/exports/", request("fhir")).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().unwrap();
    let job = finished(&app, &w.admin, id).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["records_count"], 36, "{job}");

    let manifest = get(&app, &w.admin, &format!("/api/v1/exports/{id}/download/"))
        .await
        .body;
    let output = manifest["output"].as_array().unwrap();
    let types: Vec<&str> = output.iter().map(|o| o["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["Patient", "Encounter"], "{manifest}");
    assert_eq!(manifest["requiresAccessToken"], true);

    let mut patients = HashSet::new();
    for entry in output {
        let ty = entry["type"].as_str().unwrap();
        let url = entry["url"].as_str().unwrap();
        assert!(
            url.ends_with(&format!("/api/v1/exports/{id}/download/?type={ty}")),
            "{url}"
        );
        let response = app
            .client
            .get(app.url(&format!("/api/v1/exports/{id}/download/?type={ty}")))
            .bearer_auth(&w.admin.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/fhir+ndjson"
        );
        let bytes = response.bytes().await.unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        for p in &w.people {
            for secret in [&p.first, &p.last, &p.email, &p.phone] {
                assert!(!text.contains(secret.as_str()), "{ty}: {secret}");
            }
            assert!(!text.contains(p.birth), "{ty}: a birth date");
        }
        let path = app.data_dir.join(format!("download-{id}-{ty}.ndjson"));
        std::fs::write(&path, &bytes).unwrap();
        // Each line is validated by its resourceType's model.
        let read = read_back("fhir", &path);
        let count = entry["count"].as_i64().unwrap();
        assert_eq!(read["types"][ty], count, "{ty}: {}", read["types"]);
        let resources = read["rows"].as_array().unwrap();
        assert_eq!(resources.len() as i64, count);
        match ty {
            "Patient" => {
                assert_eq!(count, 18);
                for p in resources {
                    assert!(p.get("name").is_none() && p.get("telecom").is_none());
                    assert!(p.get("birthDate").is_none() && p.get("address").is_none());
                    let extensions = p["extension"].as_array().unwrap();
                    assert_eq!(extensions.len(), 2, "{p}");
                    patients.insert(p["id"].as_str().unwrap().to_owned());
                }
            }
            "Encounter" => {
                assert_eq!(count, 36);
                for e in resources {
                    let subject = e["subject"]["reference"].as_str().unwrap();
                    let patient = subject.strip_prefix("Patient/").unwrap();
                    assert!(patients.contains(patient), "{subject} is not in Patient");
                }
            }
            _ => unreachable!(),
        }
    }

    // A type the export does not hold is refused.
    let other = get(
        &app,
        &w.admin,
        &format!("/api/v1/exports/{id}/download/?type=Observation"),
    )
    .await;
    assert_eq!(other.status, 400, "{}", other.text);
}
