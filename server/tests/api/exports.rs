//! Research exports: each format read back by the tools researchers use
//! (pandas, pyarrow, openpyxl) and compared with the database row by row; no
//! name, e-mail, phone number or birth date in an anonymised file; pseudonyms
//! that hold within an export and differ across; k-anonymity checked by
//! grouping the file's quasi-identifiers; personal data only with a reason,
//! recorded in the trail; cancel and remove; administrators only.

use std::collections::{HashMap, HashSet};

use crate::common;

use common::exports::{cell, download, finished, read_back, request, world};
use common::medical::{get, post, trail_after, trail_head};
use common::spawn_app;
use serde_json::json;

#[tokio::test]
async fn every_format_reads_back_anonymised_with_k_anonymity() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut pseudonyms_of_first: Vec<HashSet<String>> = Vec::new();
    for (format, ext) in [
        ("csv", "csv"),
        ("json", "jsonl"),
        ("parquet", "parquet"),
        ("excel", "xlsx"),
    ] {
        let created = post(&app, &w.admin, "/api/v1/exports/", request(format)).await;
        assert_eq!(created.status, 201, "{format}: {}", created.text);
        let id = created.body["id"].as_i64().unwrap();
        let job = finished(&app, &w.admin, id).await;
        assert_eq!(job["status"], "completed", "{format}: {job}");
        // 12 + 6 patients kept, two rows each; the 3 of Marseille and the
        // one with no profile are fewer than k = 5 alike.
        assert_eq!(job["records_count"], 36, "{job}");
        assert_eq!(job["suppressed_count"], 8, "{job}");
        assert_eq!(job["rows_estimated"], 44, "{job}");
        let path = download(&app, &w.admin, id, ext).await;
        let raw = std::fs::read(&path).unwrap();
        let read = read_back(format, &path);
        let rows = read["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 36, "{format}");

        // Nobody can be named from the file: not in the bytes (where they
        // are text), not in what the tool reads.
        let seen = read.to_string();
        let text = String::from_utf8_lossy(&raw);
        for p in &w.people {
            for secret in [&p.first, &p.last, &p.email, &p.phone] {
                assert!(
                    !seen.contains(secret.as_str()),
                    "{format}: {secret} in the file"
                );
                if matches!(format, "csv" | "json") {
                    assert!(
                        !text.contains(secret.as_str()),
                        "{format}: {secret} in the bytes"
                    );
                }
            }
            assert!(!seen.contains(p.birth), "{format}: a birth date");
            let _ = (p.sex, p.postcode);
        }
        assert!(!seen.contains("06 12 34 56 78") && !seen.contains("famille.fr"));
        assert!(seen.contains("[nom]") && seen.contains("[numéro]") && seen.contains("[e-mail]"));

        // k-anonymity: every group of quasi-identifiers holds at least five
        // patients; the pseudonyms are 18 patients'.
        let mut groups: HashMap<(String, String, String), HashSet<String>> = HashMap::new();
        for row in rows {
            groups
                .entry((
                    cell(&read, row, "age_band"),
                    cell(&read, row, "sex"),
                    cell(&read, row, "postcode_area"),
                ))
                .or_default()
                .insert(cell(&read, row, "patient"));
        }
        assert!(
            groups.values().all(|g| g.len() >= 5),
            "{format}: {groups:?}"
        );
        let pseudonyms: HashSet<String> = groups.values().flatten().cloned().collect();
        assert_eq!(pseudonyms.len(), 18);
        assert!(
            groups.contains_key(&("35-39".into(), "female".into(), "75".into())),
            "{groups:?}"
        );
        assert!(
            groups.contains_key(&("65-69".into(), "male".into(), "69".into())),
            "{groups:?}"
        );
        pseudonyms_of_first.push(pseudonyms);

        // Row by row against the database: each patient's two appointments,
        // completed and cancelled, 30 minutes, dates shifted by one amount
        // per patient (at most 30 days) so the interval holds.
        let mut by_patient: HashMap<String, Vec<(String, String, String)>> = HashMap::new();
        for row in rows {
            by_patient
                .entry(cell(&read, row, "patient"))
                .or_default()
                .push((
                    cell(&read, row, "date"),
                    cell(&read, row, "status"),
                    cell(&read, row, "duration_minutes"),
                ));
        }
        for visits in by_patient.values_mut() {
            visits.sort();
            assert_eq!(visits.len(), 2);
            assert_eq!(visits[0].1, "completed");
            assert_eq!(visits[1].1, "cancelled");
            assert!(visits.iter().all(|v| v.2 == "30"), "{visits:?}");
            let first: jiff::civil::Date = visits[0].0.parse().unwrap();
            let second: jiff::civil::Date = visits[1].0.parse().unwrap();
            assert_eq!((second - first).get_days(), 14, "{visits:?}");
            let real: jiff::civil::Date = "2026-01-08".parse().unwrap();
            assert!((first - real).get_days().abs() <= 30);
        }

        // Each tool's own types.
        match format {
            "parquet" => {
                assert_eq!(read["types"]["date"], "date32[day]");
                assert_eq!(read["types"]["duration_minutes"], "int64");
                assert_eq!(read["types"]["booked_days_ahead"], "int64");
                assert_eq!(read["types"]["status"], "string");
            }
            "excel" => {
                let sheet = &read["extra"]["sheets"][0];
                assert_eq!(sheet["name"], "appointments");
                assert_eq!(sheet["frozen"], "A2");
                assert_eq!(sheet["bold_header"], true);
                assert_eq!(read["types"]["date"], "date");
                assert_eq!(read["types"]["duration_minutes"], "int");
            }
            "json" => assert_eq!(read["types"]["duration_minutes"], "int64"),
            _ => {}
        }
    }
    // The same patients, a different pseudonym in each export.
    assert!(pseudonyms_of_first[0].is_disjoint(&pseudonyms_of_first[1]));
    let _ = (w.bare, &w.doctor, &w.patient);
}

#[tokio::test]
async fn personal_data_needs_a_reason_recorded_in_the_trail() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut asked = request("csv");
    asked["include_personal_data"] = json!(true);
    let refused = post(&app, &w.admin, "/api/v1/exports/", asked.clone()).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert_eq!(refused.body["field"], "personal_data_reason");

    let reason = "Suivi de cohorte autorisé (avis CPP 2026-114)";
    asked["personal_data_reason"] = json!(reason);
    let head = trail_head(&app).await;
    let created = post(&app, &w.admin, "/api/v1/exports/", asked).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().unwrap();
    let entries = trail_after(&app, head).await;
    assert!(
        entries.iter().any(|e| e.resource == "research_export"
            && e.action == "create"
            && e.resource_id.as_deref() == Some(&id.to_string())
            && e.reason.as_deref() == Some(reason)),
        "{entries:?}"
    );
    // The trail's CSV carries the reason in its own column.
    let csv = get(&app, &w.admin, "/api/v1/audit/trail.csv?action=create").await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let mut lines = csv.text.lines();
    assert!(lines.next().unwrap().ends_with(",emergency,reason"));
    assert!(
        lines.any(|l| l.contains("research_export") && l.ends_with(&format!(",{reason}"))),
        "{}",
        csv.text
    );
    let job = finished(&app, &w.admin, id).await;
    // No suppression with personal data: every row, the bare patient's too.
    assert_eq!(job["records_count"], 44, "{job}");
    let head = trail_head(&app).await;
    let path = download(&app, &w.admin, id, "csv").await;
    let entries = trail_after(&app, head).await;
    assert!(
        entries
            .iter()
            .any(|e| e.resource == "research_export" && e.action == "export"),
        "the download is in the trail: {entries:?}"
    );
    let read = read_back("csv", &path);
    let text = read.to_string();
    assert!(text.contains(&w.people[0].last) && text.contains(&w.people[0].email));
    assert!(text.contains("1990-03-14"));
    // The chain still verifies with the reason in it.
    let verified = app.state.services.trail.verify(|_, _| {}).await.unwrap();
    assert!(verified.problems.is_empty(), "{verified:?}");
}

#[tokio::test]
async fn bad_requests_are_refused_and_nothing_is_left_behind() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cases = [
        (json!({"date_end": "2029-01-01"}), "date_end"),
        (json!({"date_end": "2025-12-01"}), "date_end"),
        (json!({"date_precision": "exact"}), "date_precision"),
        (json!({"filters": {"status": "taken"}}), "filters.status"),
        (
            json!({"filters": {"age_min": 60, "age_max": 20}}),
            "filters.age_max",
        ),
        (json!({"k_anonymity": 0}), "k_anonymity"),
        (json!({"max_records": 10}), "max_records"),
    ];
    for (change, field) in cases {
        let mut body = request("csv");
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let sent = post(&app, &w.admin, "/api/v1/exports/", body).await;
        assert_eq!(sent.status, 400, "{change}: {}", sent.text);
        assert_eq!(sent.body["field"], field, "{change}: {}", sent.text);
    }
    let unknown = post(
        &app,
        &w.admin,
        "/api/v1/exports/",
        json!({"dataset": "billing"}),
    )
    .await;
    assert_eq!(unknown.status, 400);
    let jobs = get(&app, &w.admin, "/api/v1/exports/").await;
    assert_eq!(jobs.body, json!([]), "no job left behind");
    // Raising the limit for one job lets it through.
    let mut raised = request("csv");
    raised["max_records"] = json!(100);
    assert_eq!(
        post(&app, &w.admin, "/api/v1/exports/", raised)
            .await
            .status,
        201
    );
}

#[tokio::test]
async fn only_administrators_reach_exports() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created = post(&app, &w.admin, "/api/v1/exports/", request("csv")).await;
    let id = created.body["id"].as_i64().unwrap();
    finished(&app, &w.admin, id).await;
    for who in [&w.doctor, &w.patient] {
        for path in [
            "/api/v1/exports/".to_owned(),
            format!("/api/v1/exports/{id}/"),
            format!("/api/v1/exports/{id}/download/"),
        ] {
            assert_eq!(
                get(&app, who, &path).await.status,
                403,
                "{} {path}",
                who.label
            );
        }
        for path in ["/api/v1/exports/", "/api/v1/exports/preview/"] {
            let sent = post(&app, who, path, request("csv")).await;
            assert_eq!(sent.status, 403, "{} {path}", who.label);
        }
        let deleted = app
            .client
            .delete(app.url(&format!("/api/v1/exports/{id}/")))
            .bearer_auth(&who.token)
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 403);
    }
    let anonymous = app
        .client
        .get(app.url("/api/v1/exports/"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn preview_cancel_and_remove() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let preview = post(&app, &w.admin, "/api/v1/exports/preview/", request("csv")).await;
    assert_eq!(preview.status, 200, "{}", preview.text);
    assert_eq!(preview.body["rows_selected"], 44);
    assert_eq!(preview.body["rows_suppressed"], 8);
    assert_eq!(preview.body["patients"], 22);
    assert_eq!(preview.body["patients_suppressed"], 4);
    assert_eq!(preview.body["rows"].as_array().unwrap().len(), 20);
    assert!(!preview.text.contains(&w.people[0].last));

    // A pending job cancelled never writes a file.
    let created = post(&app, &w.admin, "/api/v1/exports/", request("parquet")).await;
    let id = created.body["id"].as_i64().unwrap();
    let cancel = app
        .client
        .delete(app.url(&format!("/api/v1/exports/{id}/")))
        .bearer_auth(&w.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 204);
    let job = finished(&app, &w.admin, id).await;
    assert_eq!(job["status"], "cancelled");
    let files = std::fs::read_dir(app.data_dir.join("exports"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(files, 0);

    // A completed one removed takes its file with it.
    let created = post(&app, &w.admin, "/api/v1/exports/", request("excel")).await;
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(finished(&app, &w.admin, id).await["status"], "completed");
    assert_eq!(
        std::fs::read_dir(app.data_dir.join("exports"))
            .unwrap()
            .count(),
        1
    );
    let removed = app
        .client
        .delete(app.url(&format!("/api/v1/exports/{id}/")))
        .bearer_auth(&w.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(
        std::fs::read_dir(app.data_dir.join("exports"))
            .unwrap()
            .count(),
        0
    );
    assert_eq!(
        get(&app, &w.admin, &format!("/api/v1/exports/{id}/"))
            .await
            .status,
        404
    );
}
