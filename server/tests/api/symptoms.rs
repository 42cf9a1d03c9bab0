//! The symptom checker: seed 000's `POST /api/symptoms/` field by field and
//! code by code, the platform's fields beside the seed's, red flags that win
//! over the model, the trail and the model version recorded with each check,
//! and models retrained from the shared CSV and switched back.

use crate::common;

use common::medical::*;
use common::{TestApp, spawn_app};
use domain::accounts::Role;
use reqwest::Method;
use serde_json::{Value, json};

fn body(fever: bool, cough: bool, fatigue: bool, breathing: bool) -> Value {
    json!({"symptoms": {"fever": fever, "cough": cough, "fatigue": fatigue,
        "difficulty_breathing": breathing, "blood_pressure": "normal"}})
}

async fn patient_with_profile(app: &TestApp, username: &'static str) -> Actor {
    let patient = actor(app, Role::Patient, username).await;
    let saved = put(
        app,
        &patient,
        &format!("/api/v1/patients/{}/profile/", patient.id),
        a_profile(),
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    patient
}

/// The shared "Disease Symptoms and Patient Profile" CSV (tests only).
fn shared_csv() -> Vec<u8> {
    let dir = std::env::var("MEDPLAT_DATASETS").expect(
        "MEDPLAT_DATASETS names the folder of the shared data sets (scripts/test.sh sets it)",
    );
    let path = std::path::Path::new(&dir).join("disease_symptom_patient_profile.csv");
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_route_answers_with_honest_probabilities_and_records_the_model() {
    let app = spawn_app().await;
    let patient = patient_with_profile(&app, "marie").await;
    let sent = post(
        &app,
        &patient,
        "/api/symptoms/",
        body(true, true, true, false),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let a = &sent.body;
    let prediction = a["prediction"].as_str().unwrap();
    let confidence = a["confidence"].as_f64().unwrap();
    assert!(
        !prediction.is_empty() && (0.0..=1.0).contains(&confidence),
        "{a}"
    );
    let top = a["top"].as_array().unwrap();
    assert_eq!(top.len(), 3);
    assert_eq!(top[0]["condition"], prediction);
    assert_eq!(top[0]["probability"].as_f64(), Some(confidence));
    let probabilities: Vec<f64> = top
        .iter()
        .map(|t| t["probability"].as_f64().unwrap())
        .collect();
    assert!(
        probabilities.windows(2).all(|w| w[0] >= w[1]),
        "most likely first"
    );
    assert!(probabilities.iter().sum::<f64>() <= 1.0 + 1e-9);
    // A typical influenza picture puts influenza among the three.
    assert!(top.iter().any(|t| t["condition"] == "Influenza"), "{a}");
    assert!(
        top.iter().any(|t| t["label"] == "Grippe"),
        "French labels: {a}"
    );
    assert_eq!(a["model_version"], "kb-1");
    assert!(a["notice"].as_str().unwrap().contains("pas un diagnostic"));
    assert_ne!(a["urgency"], "emergency");
    assert_eq!(a["emergency_numbers"], json!([]));
    // No doctor practises anything yet: general practice.
    assert_eq!(a["specialty"]["code"], "general");
    assert_trail(
        &sent,
        &want(
            &patient,
            "create",
            "symptom_check",
            patient.id,
            Trail::Allowed,
        ),
        "check",
    );
    let (model, prediction_stored): (String, String) = sqlx::query_as(
        "SELECT m.version, c.prediction FROM symptom_checks c JOIN symptom_models m ON m.id = c.model_id WHERE c.id = $1",
    )
    .bind(a["check_id"].as_i64().unwrap())
    .fetch_one(app.state.services.db().pool())
    .await
    .unwrap();
    assert_eq!(
        (model.as_str(), prediction_stored.as_str()),
        ("kb-1", prediction)
    );

    // In English when asked.
    let response = app
        .client
        .post(app.url("/api/symptoms/"))
        .bearer_auth(&patient.token)
        .header("accept-language", "en-GB,en;q=0.9")
        .json(&body(true, true, true, false))
        .send()
        .await
        .unwrap();
    let english: Value = response.json().await.unwrap();
    assert!(
        english["notice"]
            .as_str()
            .unwrap()
            .contains("not a diagnosis")
    );
    assert!(
        english["top"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["label"] == "Influenza")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_name_their_field_and_only_patients_check() {
    let app = spawn_app().await;
    let patient = patient_with_profile(&app, "marie").await;
    for (request, field) in [
        (json!({}), "symptoms"),
        (
            json!({"symptoms": {"cough": true, "fatigue": true, "difficulty_breathing": false}}),
            "fever",
        ),
        (
            json!({"symptoms": {"fever": true, "fatigue": true, "difficulty_breathing": false}}),
            "cough",
        ),
        (
            json!({"symptoms": {"fever": true, "cough": true, "fatigue": true, "difficulty_breathing": false,
            "blood_pressure": "sky-high"}}),
            "blood_pressure",
        ),
        (
            json!({"symptoms": {"fever": true, "cough": true, "fatigue": true, "difficulty_breathing": false,
            "temperature": 51}}),
            "temperature",
        ),
    ] {
        let sent = post(&app, &patient, "/api/symptoms/", request.clone()).await;
        assert_eq!(sent.status, 400, "{request}: {}", sent.text);
        assert_eq!(sent.body["field"], field, "{request}: {}", sent.text);
        assert!(sent.entries.is_empty() || sent.entries.iter().all(|e| !e.allowed));
    }
    let wrong_type = post(&app, &patient, "/api/symptoms/",
        json!({"symptoms": {"fever": "oui", "cough": true, "fatigue": true, "difficulty_breathing": false}})).await;
    assert_eq!(wrong_type.status, 400);
    assert!(
        wrong_type.body["field"].as_str().unwrap().contains("fever"),
        "{}",
        wrong_type.text
    );
    // The profile is where age, sex and cholesterol come from.
    let bare = actor(&app, Role::Patient, "sans-profil").await;
    let sent = post(
        &app,
        &bare,
        "/api/symptoms/",
        body(true, false, true, false),
    )
    .await;
    assert_eq!(
        (sent.status, sent.body["field"].as_str()),
        (400, Some("date_of_birth")),
        "{}",
        sent.text
    );
    let checks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM symptom_checks")
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(checks, 0, "no check recorded for a refused request");

    let anonymous = app
        .client
        .post(app.url("/api/symptoms/"))
        .json(&body(true, true, true, false))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    for role in [Role::Doctor, Role::Admin] {
        let someone = actor(
            &app,
            role,
            if role == Role::Doctor {
                "dr.x"
            } else {
                "admin"
            },
        )
        .await;
        let sent = post(
            &app,
            &someone,
            "/api/symptoms/",
            body(true, true, true, false),
        )
        .await;
        assert_eq!(sent.status, 403, "{role:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn red_flags_win_over_the_model() {
    let app = spawn_app().await;
    let patient = patient_with_profile(&app, "marie").await;
    // A common cold picture with chest pain: an emergency all the same.
    let mut chest = body(false, true, false, false);
    chest["symptoms"]["chest_pain"] = json!(true);
    let sent = post(&app, &patient, "/api/symptoms/", chest).await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(sent.body["urgency"], "emergency");
    assert_eq!(sent.body["emergency_numbers"], json!(["15", "112"]));
    assert_eq!(sent.body["red_flags"], json!(["chest_pain"]));
    assert!(sent.body["notice"].as_str().unwrap().contains("15"));
    // In the patient's words.
    let mut words = body(false, false, true, false);
    words["symptoms"]["other"] = json!("Une douleur à la poitrine depuis une heure");
    let sent = post(&app, &patient, "/api/symptoms/", words).await;
    assert_eq!(sent.body["urgency"], "emergency");
    // Breathing difficulty with a high fever.
    let mut hot = body(true, true, true, true);
    hot["symptoms"]["temperature"] = json!(39.8);
    let sent = post(&app, &patient, "/api/symptoms/", hot).await;
    assert_eq!(sent.body["red_flags"], json!(["breathing_with_high_fever"]));
    assert_eq!(sent.body["urgency"], "emergency");
    // The same at 38 °C is no emergency.
    let mut mild = body(true, true, true, true);
    mild["symptoms"]["temperature"] = json!(38.0);
    let sent = post(&app, &patient, "/api/symptoms/", mild).await;
    assert_eq!(sent.body["red_flags"], json!([]));
    assert_ne!(sent.body["urgency"], "emergency");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_retrain_from_the_shared_csv_and_switch_back() {
    let app = spawn_app().await;
    let admin = actor(&app, Role::Admin, "admin").await;
    let patient = patient_with_profile(&app, "marie").await;
    let listed = get(&app, &admin, "/api/v1/symptom-models/").await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    assert_eq!(listed.body[0]["version"], "kb-1");
    assert_eq!(listed.body[0]["active"], true);

    let upload = |who: &Actor, content_type: &'static str, csv: Vec<u8>| {
        app.client
            .post(app.url("/api/v1/symptom-models/?folds=5&activate=true"))
            .bearer_auth(who.token.clone())
            .header("content-type", content_type)
            .body(csv)
            .send()
    };
    let response = upload(&admin, "text/csv", shared_csv()).await.unwrap();
    assert_eq!(response.status(), 201);
    let model: Value = response.json().await.unwrap();
    assert_eq!(model["version"], "csv-2");
    assert_eq!(model["source"], "csv");
    assert_eq!(model["active"], true);
    assert_eq!(model["samples"], 349);
    let (accuracy, baseline) = (
        model["accuracy"].as_f64().unwrap(),
        model["baseline_accuracy"].as_f64().unwrap(),
    );
    assert!(
        (0.0..=1.0).contains(&accuracy) && accuracy > baseline,
        "{model}"
    );
    let sent = post(
        &app,
        &patient,
        "/api/symptoms/",
        body(true, true, true, true),
    )
    .await;
    assert_eq!(sent.body["model_version"], "csv-2");

    // Switched back, the knowledge-base model answers again.
    let back = post(
        &app,
        &admin,
        "/api/v1/symptom-models/kb-1/activate/",
        json!({}),
    )
    .await;
    assert_eq!(back.status, 200, "{}", back.text);
    let sent = post(
        &app,
        &patient,
        "/api/symptoms/",
        body(true, true, true, true),
    )
    .await;
    assert_eq!(sent.body["model_version"], "kb-1");
    let listed = get(&app, &admin, "/api/v1/symptom-models/").await;
    let active: Vec<&Value> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["active"] == true)
        .collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["version"], "kb-1");

    // Refusals: a bad file, another content type, a patient, an unknown model.
    let bad = upload(&admin, "text/csv", b"Disease,Fever\nFlu,Yes\n".to_vec())
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["field"], "csv", "{bad}");
    let json_body = upload(&admin, "application/json", b"{}".to_vec())
        .await
        .unwrap();
    assert_eq!(json_body.status(), 415);
    assert_eq!(
        upload(&patient, "text/csv", shared_csv())
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        get(&app, &patient, "/api/v1/symptom-models/").await.status,
        403
    );
    let unknown = send(
        &app,
        &admin,
        Method::POST,
        "/api/v1/symptom-models/kb-99/activate/",
        None,
    )
    .await;
    assert_eq!(unknown.status, 404);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM symptom_models")
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(count, 2, "refused uploads store nothing");
}
