//! The seed's routes field by field and code by code: create, list, read,
//! update, each 400 naming its field, 401, 403, 404 and delete.

use super::{delete, instant};
use crate::common::medical::*;
use crate::common::spawn_app;
use domain::accounts::Role;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_routes_answer_field_by_field_and_code_by_code() {
    let app = spawn_app().await;
    let patient = actor(&app, Role::Patient, "marie").await;

    // POST: 201 with the seed's fields.
    let created = post(
        &app,
        &patient,
        "/api/treatments/",
        json!({"medocs_name": "Paracétamol", "frequency": 3, "duration_days": 7}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let t = &created.body;
    for key in [
        "id",
        "medocs_name",
        "frequency",
        "started_at",
        "duration_days",
        "end",
        "jours_restants",
    ] {
        assert!(t.get(key).is_some(), "{key} in {t}");
    }
    assert_eq!(t["medocs_name"], "Paracétamol");
    assert_eq!(t["frequency"], 3);
    assert_eq!(t["duration_days"], 7);
    assert_eq!(t["jours_restants"], 7);
    let (start, end) = (instant(&t["started_at"]), instant(&t["end"]));
    let paris = TimeZone::get("Europe/Paris").unwrap();
    assert_eq!(
        end,
        start
            .to_zoned(paris.clone())
            .checked_add(7.days())
            .unwrap()
            .timestamp()
    );
    assert!(Timestamp::now().duration_since(start).abs() < SignedDuration::from_secs(60));
    assert_eq!(t["dose_times"], json!(["08:00", "14:00", "20:00"]));
    assert_eq!(t["prescribed_by"], Value::Null);
    assert_eq!(t["active_ingredients"], json!(["paracétamol"]));
    assert_eq!(t["active"], true);
    let id = t["id"].as_i64().unwrap();
    assert_trail(
        &created,
        &want(&patient, "create", "treatment", patient.id, Trail::Allowed),
        "create",
    );

    // GET list and one: 200.
    let list = get(&app, &patient, "/api/treatments/").await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert_eq!(list.body[0]["id"], id);
    assert_trail(
        &list,
        &want(&patient, "read", "treatment", patient.id, Trail::Allowed),
        "list",
    );
    let one = get(&app, &patient, &format!("/api/treatments/{id}/")).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body, list.body[0]);

    // PUT with the seed's body: 200; the start stays, the rest changes.
    let changed = put(
        &app,
        &patient,
        &format!("/api/treatments/{id}/"),
        json!({"medocs_name": "Ibuprofène", "frequency": 2, "duration_days": 5}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["medocs_name"], "Ibuprofène");
    assert_eq!(changed.body["frequency"], 2);
    assert_eq!(changed.body["duration_days"], 5);
    assert_eq!(changed.body["jours_restants"], 5);
    assert_eq!(changed.body["started_at"], t["started_at"]);
    assert_eq!(changed.body["dose_times"], json!(["08:00", "20:00"]));
    assert_eq!(
        instant(&changed.body["end"]),
        start
            .to_zoned(paris)
            .checked_add(5.days())
            .unwrap()
            .timestamp()
    );

    // 400 naming the field: missing, wrong type, out of range, bad JSON.
    for (body, field) in [
        (json!({"frequency": 3, "duration_days": 7}), "medocs_name"),
        (json!({"medocs_name": "X", "duration_days": 7}), "frequency"),
        (
            json!({"medocs_name": "X", "frequency": "trois", "duration_days": 7}),
            "frequency",
        ),
        (
            json!({"medocs_name": "X", "frequency": 0, "duration_days": 7}),
            "frequency",
        ),
        (
            json!({"medocs_name": "X", "frequency": 3, "duration_days": 0}),
            "duration_days",
        ),
        (
            json!({"medocs_name": "X", "frequency": 3, "duration_days": 7, "started_at": "hier"}),
            "started_at",
        ),
        (
            json!({"medocs_name": "X", "frequency": 2, "duration_days": 7, "dose_times": ["08:00"]}),
            "dose_times",
        ),
    ] {
        let sent = post(&app, &patient, "/api/treatments/", body.clone()).await;
        assert_eq!(sent.status, 400, "{body}: {}", sent.text);
        assert_eq!(sent.body["field"], field, "{body}: {}", sent.text);
        assert!(sent.entries.is_empty(), "nothing recorded for {body}");
        let sent = put(
            &app,
            &patient,
            &format!("/api/treatments/{id}/"),
            body.clone(),
        )
        .await;
        assert_eq!(sent.status, 400, "PUT {body}: {}", sent.text);
    }
    let raw = app
        .client
        .post(app.url("/api/treatments/"))
        .bearer_auth(&patient.token)
        .header("content-type", "application/json")
        .body("{\"medocs_name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM treatments")
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(count, 1, "no half-written treatment");

    // 401 without a token; 403 for an administrator's list; 404 unknown.
    for (method, path) in [
        (Method::GET, "/api/treatments/".to_owned()),
        (Method::GET, format!("/api/treatments/{id}/")),
        (Method::DELETE, format!("/api/treatments/{id}/")),
    ] {
        let response = app
            .client
            .request(method, app.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
    let admin = actor(&app, Role::Admin, "admin").await;
    let listed = get(&app, &admin, "/api/treatments/").await;
    assert_eq!(listed.status, 403);
    assert_eq!(listed.body["code"], "permission_denied");
    assert_eq!(
        get(&app, &patient, "/api/treatments/999999/").await.status,
        404
    );

    // DELETE: 204, then 404.
    let removed = delete(&app, &patient, &format!("/api/treatments/{id}/")).await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert!(removed.text.is_empty());
    assert_trail(
        &removed,
        &want(&patient, "delete", "treatment", patient.id, Trail::Allowed),
        "delete",
    );
    assert_eq!(
        get(&app, &patient, &format!("/api/treatments/{id}/"))
            .await
            .status,
        404
    );
    assert_eq!(
        delete(&app, &patient, &format!("/api/treatments/{id}/"))
            .await
            .status,
        404
    );
}
