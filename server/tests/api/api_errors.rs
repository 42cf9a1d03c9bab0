//! Every rejection of the API speaks its one JSON shape `{code, detail, field?}`
//! — malformed path and query values, wrong methods, wrong content types,
//! oversized bodies, unknown routes, a handler that panics — and the OpenAPI
//! document describes every routed method with the answers it can give.

use crate::common;

use std::collections::BTreeSet;

use axum::routing::get;
use common::{parts, spawn_app};
use domain::accounts::Role;
use serde_json::{Value, json};

fn is_json(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

#[tokio::test]
async fn malformed_path_and_query_values_name_their_parameter() {
    let app = spawn_app().await;
    let (_, token, _) = app.user_with_tokens(Role::Admin, "claire").await;

    let response = app.get_auth("/api/v1/users/abc/", &token).await;
    assert!(is_json(&response));
    let (status, body) = parts(response).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "invalid_path");
    assert_eq!(body["field"], "id");

    let response = app
        .get_auth("/api/v1/appointments/7/not-a-number/", &token)
        .await;
    assert_eq!(response.status(), 405, "a GET on a POST-only route");

    let (status, body) = parts(app.get_auth("/api/v1/users/?limit=many", &token).await).await;
    assert_eq!(status, 400);
    assert_eq!(body["field"], "limit", "the key, never the value: {body}");
    assert!(body["detail"].as_str().unwrap().starts_with("limit:"));

    let (status, body) = parts(app.get_auth("/api/v1/users/?limit=0", &token).await).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("limit")));

    let (status, body) = parts(app.get_auth("/api/v1/users/?role=nurse", &token).await).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("role")));
}

#[tokio::test]
async fn bodies_are_checked_for_type_size_and_fields() {
    let app = spawn_app().await;
    let (_, token, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let url = app.url("/api/v1/appointments/");

    let response = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("doctor_id=2")
        .send()
        .await
        .unwrap();
    assert!(is_json(&response));
    let (status, body) = parts(response).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );

    let huge = "x".repeat(3 * 1024 * 1024);
    let response = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(format!("{{\"reason\": \"{huge}\"}}"))
        .send()
        .await
        .unwrap();
    assert!(is_json(&response));
    let (status, body) = parts(response).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("payload_too_large"))
    );

    let (status, body) = parts(
        app.post_auth(
            "/api/v1/appointments/",
            &token,
            json!({"start": "2026-03-20T09:00:00Z"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        (body["code"].as_str(), body["field"].as_str()),
        (Some("required"), Some("doctor_id"))
    );

    let body_with = |doctor: Value| json!({"doctor_id": doctor, "start": "2026-03-20T09:00:00Z"});
    let (status, body) = parts(
        app.post_auth("/api/v1/appointments/", &token, body_with(json!("two")))
            .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("doctor_id")));
    // JSON has numbers only: 2.0 is the integer 2 (an unknown doctor here).
    let (status, _) = parts(
        app.post_auth("/api/v1/appointments/", &token, body_with(json!(2.0)))
            .await,
    )
    .await;
    assert_eq!(status, 404);

    let response = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"doctor_id\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = parts(response).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_json")));
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_json() {
    let app = spawn_app().await;

    let response = app
        .client
        .get(app.url("/api/v1/nothing-here/"))
        .send()
        .await
        .unwrap();
    assert!(is_json(&response));
    let (status, body) = parts(response).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));

    let response = app
        .client
        .delete(app.url("/api/v1/specialties/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    assert!(is_json(&response));
    let (_, body) = parts(response).await;
    assert_eq!(body["code"], "method_not_allowed");

    // Pages outside the API keep their HTML answers.
    let page = app
        .client
        .get(app.url("/no-such-page"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert!(!is_json(&page));
}

#[tokio::test]
async fn a_panicking_handler_answers_a_json_500_and_the_server_stays_up() {
    let app = spawn_app().await;
    let routes = axum::Router::new().route(
        "/api/v1/explode/",
        get(|| async {
            let empty: Vec<i64> = Vec::new();
            #[allow(clippy::indexing_slicing)]
            let value = empty[3];
            value.to_string()
        }),
    );
    let router = server::with_layers(routes, app.state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::serve(listener, router, std::future::pending()));

    for _ in 0..2 {
        let response = app
            .client
            .get(format!("http://{addr}/api/v1/explode/"))
            .send()
            .await
            .unwrap();
        assert!(is_json(&response));
        let (status, body) = parts(response).await;
        assert_eq!(status, 500);
        assert_eq!(
            body,
            json!({"code": "internal_error", "detail": "internal server error"})
        );
    }
}

/// The methods each documented path answers, from the document and from the
/// router (the `Allow` header of a 405).
#[tokio::test]
async fn the_document_lists_every_routed_method_and_its_answers() {
    let app = spawn_app().await;
    let (_, doc) = parts(
        app.client
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() > 30, "{} paths", paths.len());
    for (path, item) in paths {
        let documented: BTreeSet<String> = item
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
            .map(|k| k.to_uppercase())
            .collect();
        let concrete = path.replace("{id}", "1").replace("{action}", "accept");
        let response = app
            .client
            .request(reqwest::Method::TRACE, app.url(&concrete))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{path}");
        let routed: BTreeSet<String> = response.headers()["allow"]
            .to_str()
            .unwrap()
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| m != "HEAD")
            .collect();
        assert_eq!(routed, documented, "methods of {path}");

        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let secured = operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty());
            if secured {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} documents 401"
                );
            }
            if operation.get("requestBody").is_some() {
                for status in ["400", "413", "415"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} documents {status}"
                    );
                }
            }
        }
    }

    // Creation forms require what the domain requires.
    let schemas = &doc["components"]["schemas"];
    let required = &schemas["NewAvailability"]["required"];
    for field in ["day_of_week", "start_time", "end_time", "duration_minutes"] {
        assert!(
            required.as_array().unwrap().contains(&json!(field)),
            "{field}"
        );
    }
    assert_eq!(
        doc["paths"]["/api/v1/availabilities/"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/NewAvailability"
    );
    assert_eq!(
        doc["paths"]["/api/v1/users/"]["get"]["parameters"][0]["in"],
        "query"
    );
}

#[tokio::test]
async fn a_new_doctor_keeps_the_time_zone_given_and_the_schedule_shows_every_rule() {
    let app = spawn_app().await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "claire").await;
    let new_doctor = |username: &str, zone: &str| {
        json!({
            "role": "doctor", "username": username, "email": format!("{username}@example.fr"),
            "password": "une-longue-phrase", "first_name": "Awa", "last_name": "Diallo",
            "timezone": zone,
        })
    };

    let (status, body) = parts(
        app.post_auth(
            "/api/v1/users/",
            &admin,
            new_doctor("dr.diallo", "Mars/Olympus"),
        )
        .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("timezone")));
    let (_, users) = parts(app.get_auth("/api/v1/users/?role=doctor", &admin).await).await;
    assert!(
        users.as_array().unwrap().is_empty(),
        "nothing half-written: {users}"
    );

    let (status, doctor) = parts(
        app.post_auth(
            "/api/v1/users/",
            &admin,
            new_doctor("dr.diallo", "America/Montreal"),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    let path = format!("/api/v1/schedule/?doctor={}", doctor["id"]);
    let (status, schedule) = parts(app.get_auth(&path, &admin).await).await;
    assert_eq!(status, 200);
    assert_eq!(schedule["timezone"], "America/Montreal");
    assert_eq!(schedule["waitlist_hold_minutes"], 60);
}
