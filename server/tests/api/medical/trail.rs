//! The access trail itself: shown to its patient, searched and downloaded by
//! administrators, and verified (tampering named) by `medplat audit verify`.

use crate::common;

use common::medical::*;
use common::{TestApp, spawn_app};
use domain::accounts::Role;
use domain::store::trail::StoredEntry;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trail_is_shown_to_its_patient_and_searched_by_administrators() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let profile = w.profile_path();
    // Some accesses of every kind.
    assert_eq!(get(&app, &w.assigned, &profile).await.status, 200);
    assert_eq!(get(&app, &w.emergency, &profile).await.status, 200);
    assert_eq!(get(&app, &w.stranger, &profile).await.status, 403);
    assert_eq!(get(&app, &w.other_patient, &profile).await.status, 403);
    let other_profile = format!("/api/v1/patients/{}/profile/", w.other_patient.id);
    assert_eq!(
        get(&app, &w.other_patient, &other_profile).await.status,
        200
    );

    let all = trail_after(&app, 0).await;
    let about_patient: Vec<&StoredEntry> = all
        .iter()
        .filter(|e| e.patient_id == Some(w.patient.id))
        .collect();

    // The patient: every access to their data, newest first, and nothing else.
    let mine = get(&app, &w.patient, "/api/v1/me/access-trail/?per_page=200").await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_trail(&mine, &[], "reading one's own trail");
    assert_eq!(mine.body["total"], about_patient.len());
    let entries = mine.body["entries"].as_array().unwrap();
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    let mut expected: Vec<i64> = about_patient.iter().map(|e| e.seq).collect();
    expected.reverse();
    assert_eq!(seqs, expected);
    assert!(
        entries
            .iter()
            .any(|e| e["actor_name"] == "Test dr.emergency"
                && e["emergency"] == true
                && e["action"] == "read"
                && e["door"] == "rest")
    );
    assert!(entries.iter().any(|e| e["actor_id"] == w.stranger.id
        && e["allowed"] == false
        && e["resource"] == "medical_profile"));
    let page = get(
        &app,
        &w.patient,
        "/api/v1/me/access-trail/?page=2&per_page=3",
    )
    .await;
    assert_eq!(page.body["entries"][0]["seq"], expected[3]);
    for who in [&w.assigned, &w.admin] {
        let sent = get(&app, who, "/api/v1/me/access-trail/").await;
        assert_eq!(sent.status, 403, "{}", who.label);
        assert_trail(&sent, &[], who.label);
    }

    // Administrators search the whole trail, and download it.
    for who in [&w.patient, &w.assigned, &w.emergency] {
        for path in ["/api/v1/audit/trail/", "/api/v1/audit/trail.csv"] {
            let sent = get(&app, who, path).await;
            assert_eq!(sent.status, 403, "{path} as {}", who.label);
            assert_trail(&sent, &[], path);
        }
    }
    let everything = get(&app, &w.admin, "/api/v1/audit/trail/?per_page=200").await;
    assert_eq!(everything.status, 200);
    assert_eq!(everything.body["total"], all.len());
    let refused = get(
        &app,
        &w.admin,
        &format!(
            "/api/v1/audit/trail/?patient_id={}&refused_only=true",
            w.patient.id
        ),
    )
    .await;
    let expected_refused = about_patient.iter().filter(|e| !e.allowed).count();
    assert_eq!(refused.body["total"], expected_refused);
    assert!(expected_refused >= 2);
    assert!(
        refused.body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["allowed"] == false && e["patient_id"] == w.patient.id)
    );
    let glass = get(
        &app,
        &w.admin,
        &format!(
            "/api/v1/audit/trail/?action=break_glass&door=rest&user_id={}",
            w.emergency.id
        ),
    )
    .await;
    assert_eq!(glass.body["total"], 1, "{}", glass.text);
    assert_eq!(glass.body["entries"][0]["emergency"], true);
    assert_eq!(glass.body["entries"][0]["patient_name"], "Test marie");
    for (query, field) in [
        ("action=peek", "action"),
        ("door=fax", "door"),
        ("from=2030-02-30", "from"),
        ("from=2030-01-02&to=2030-01-01", "to"),
        ("patient_id=0", "patient_id"),
    ] {
        let sent = get(&app, &w.admin, &format!("/api/v1/audit/trail/?{query}")).await;
        assert_eq!(sent.status, 400, "{query}: {}", sent.text);
        assert_eq!(sent.body["field"], field, "{query}: {}", sent.text);
    }

    let csv = get(
        &app,
        &w.admin,
        &format!("/api/v1/audit/trail.csv?patient_id={}", w.patient.id),
    )
    .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    // The download itself leaves the platform: it is recorded as an export.
    assert_trail(
        &csv,
        &want(
            &w.admin,
            "export",
            "access_trail",
            w.patient.id,
            Trail::Allowed,
        ),
        "the download",
    );
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(
        lines[0],
        "seq,at,actor_id,actor_name,actor_role,action,resource,resource_id,patient_id,patient_name,door,request_id,allowed,emergency,reason"
    );
    assert_eq!(lines.len(), about_patient.len() + 1);
    let newest = about_patient.last().unwrap();
    assert!(
        lines[1].starts_with(&format!("{},", newest.seq)),
        "newest first: {}",
        lines[1]
    );
    assert!(
        csv.text.contains(",break_glass,emergency_access,"),
        "{}",
        csv.text
    );
    let mut rows = csv::Reader::from_reader(csv.text.as_bytes());
    for row in rows.records() {
        let row = row.unwrap();
        assert_eq!(&row[8], w.patient.id.to_string(), "filtered: {row:?}");
        assert!(row[1].ends_with('Z'), "RFC 3339 UTC: {row:?}");
    }
}

/// Runs `medplat audit verify` on the test server's SQLite database.
fn audit_verify(app: &TestApp) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_medplat"))
        .args(["audit", "verify"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", &app.data_dir)
        .env("JWT_SECRET", common::SECRET)
        .env("DEMO_DATA", "false")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_verifies_the_trail_and_names_what_was_tampered_with() {
    let app = spawn_app().await;
    let patient = actor(&app, Role::Patient, "marie").await;
    let doctor = actor(&app, Role::Doctor, "dr.house").await;
    let profile = format!("/api/v1/patients/{}/profile/", patient.id);
    assert_eq!(put(&app, &patient, &profile, a_profile()).await.status, 200);
    for _ in 0..3 {
        assert_eq!(get(&app, &patient, &profile).await.status, 200);
        assert_eq!(get(&app, &doctor, &profile).await.status, 403);
    }
    assert_eq!(trail_head(&app).await, 7);

    let intact = audit_verify(&app);
    let out = String::from_utf8_lossy(&intact.stdout);
    assert!(
        intact.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&intact.stderr)
    );
    assert!(out.contains("intact") && out.contains("7 entries"), "{out}");

    // As a database administrator could: lift the guard, then change one
    // entry (a refusal made to look allowed) and remove another.
    let pool = app.state.services.db().pool();
    for sql in [
        "DROP TRIGGER access_trail_no_update",
        "DROP TRIGGER access_trail_no_delete",
        "UPDATE access_trail SET allowed = 1 WHERE seq = 3",
        "DELETE FROM access_trail WHERE seq = 5",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    app.state.services.db().close().await;

    let tampered = audit_verify(&app);
    let out = String::from_utf8_lossy(&tampered.stdout);
    assert_eq!(tampered.status.code(), Some(1), "{out}");
    assert!(out.contains("entry 3 was changed"), "{out}");
    assert!(out.contains("entry 5 was removed"), "{out}");
    assert!(out.contains("entry 6 does not follow"), "{out}");
    assert!(!out.contains("entry 4"), "{out}");
}
