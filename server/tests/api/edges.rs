//! The edges of the API, taken from its own document so that new routes are
//! covered: a body the contract declares as an object is refused when it is
//! anything else; a refusal does not tell whether an id exists; the answers
//! the HTTP layer gives before any handler (414, 431) speak the JSON shape.

use crate::common;

use common::{TestApp, parts, spawn_app};
use domain::accounts::Role;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn document(app: &TestApp) -> Value {
    let (status, doc) = parts(
        app.client
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    doc
}

/// Whether a request body schema is an object (inline or by reference).
fn is_object(doc: &Value, schema: &Value) -> bool {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return is_object(doc, &doc["components"]["schemas"][name]);
    }
    schema["type"] == "object"
        || (schema.get("properties").is_some() && schema.get("oneOf").is_none())
}

/// `path` with every parameter filled with `id` (and `{action}` a real one).
fn concrete(path: &str, id: &str) -> String {
    let mut out = String::new();
    for segment in path.split('/') {
        if segment.starts_with('{') {
            out.push_str(if segment == "{action}" { "accept" } else { id });
        } else {
            out.push_str(segment);
        }
        out.push('/');
    }
    out.pop();
    out
}

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    parts(request.send().await.unwrap()).await
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[tokio::test]
async fn arrays_and_scalars_are_refused_wherever_an_object_is_declared() {
    let app = spawn_app().await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "claire").await;
    let doc = document(&app).await;
    let mut checked = 0;
    let mut failures = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
            if !METHODS.contains(&method.as_str()) || !is_object(&doc, schema) {
                continue;
            }
            for body in [
                json!(["Aspirine", 1, 3]),
                json!([null, 2]),
                json!("texte"),
                json!(7),
                json!(null),
            ] {
                let (status, answer) = send(
                    &app,
                    method,
                    &concrete(path, "1"),
                    Some(&admin),
                    Some(&body),
                )
                .await;
                if status != 400 || answer["code"] != "invalid_body" {
                    failures.push(format!("{method} {path} {body}: {status} {answer}"));
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} operations take an object");
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Deeper in a body too: a nested object given as an array.
    let (_, patient, _) = app.user_with_tokens(Role::Patient, "lea").await;
    let (status, answer) = send(
        &app,
        "post",
        "/api/symptoms/",
        Some(&patient),
        Some(&json!({"symptoms": [true, false, true, false]})),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["field"], "symptoms", "{answer}");
}

/// Paths whose ids anyone signed in may learn (the directory of doctors,
/// specialties, doctors' weekly hours): there, an existing id may answer
/// otherwise than a made-up one.
fn public(path: &str) -> bool {
    [
        "/api/v1/doctors/",
        "/api/v1/specialties/",
        "/api/v1/availabilities/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

#[tokio::test]
async fn a_refusal_does_not_tell_whether_an_id_exists() {
    let app = spawn_app().await;
    assert!(
        domain::demo::load_if_empty(&app.state.services)
            .await
            .unwrap()
    );
    let (_, patient, _) = app.user_with_tokens(Role::Patient, "intrus").await;
    let (_, doctor, _) = app.user_with_tokens(Role::Doctor, "dr.intrus").await;
    let doc = document(&app).await;
    let mut compared = 0;
    let mut oracles = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.contains('{') || public(path) {
            continue;
        }
        for (method, _) in item.as_object().unwrap() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            for (who, token) in [("patient", &patient), ("doctor", &doctor)] {
                let body = (method != "get" && method != "delete").then(|| json!({}));
                let missing = send(
                    &app,
                    method,
                    &concrete(path, "987654321"),
                    Some(token),
                    body.as_ref(),
                )
                .await
                .0;
                for id in ["1", "2", "3"] {
                    let existing = send(
                        &app,
                        method,
                        &concrete(path, id),
                        Some(token),
                        body.as_ref(),
                    )
                    .await
                    .0;
                    if existing != missing {
                        oracles.push(format!(
                            "{method} {path} as a {who}: id {id} → {existing}, a made-up id → {missing}"
                        ));
                    }
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 60, "only {compared} operations compared");
    assert!(oracles.is_empty(), "{}", oracles.join("\n"));

    // Administrators only, with the ids in the body.
    for token in [&patient, &doctor] {
        let mut statuses = Vec::new();
        for patient_id in [1, 987_654_321] {
            let (status, answer) = send(
                &app,
                "post",
                "/api/v1/care-relationships/",
                Some(token),
                Some(&json!({"doctor_id": 2, "patient_id": patient_id})),
            )
            .await;
            statuses.push((status, answer["code"].clone()));
        }
        assert_eq!(statuses[0], statuses[1]);
        assert_eq!(statuses[0].0, 403);
    }
}

/// Sends `request` as written on a new connection; the status and the body.
async fn raw(app: &TestApp, request: &[u8]) -> (u16, String, String) {
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer).to_string();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_owned())
}

#[tokio::test]
async fn the_http_layer_s_own_refusals_speak_json() {
    let app = spawn_app().await;
    let long = format!(
        "GET /api/v1/doctors/?q={} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n",
        "a".repeat(100_000)
    );
    let (status, head, body) = raw(&app, long.as_bytes()).await;
    assert_eq!(status, 414, "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "uri_too_long");

    let big = format!(
        "GET /api/v1/specialties/ HTTP/1.1\r\nhost: localhost\r\nx-padding: {}\r\nconnection: close\r\n\r\n",
        "b".repeat(500_000)
    );
    let (status, head, body) = raw(&app, big.as_bytes()).await;
    assert_eq!(status, 431, "{head}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "headers_too_large");

    let (status, head, body) = raw(&app, b"NOT HTTP AT ALL\r\n\r\n").await;
    assert_eq!(status, 400, "{head}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "bad_request");

    // A socket's address opened as a page.
    let response = app
        .client
        .get(app.url("/ws/chatbot/"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error());
    assert_eq!(response.headers()["content-type"], "application/json");
}

/// Whether a property or parameter named `name` holds an account or record id.
fn names_an_id(name: &str) -> bool {
    name == "id"
        || name.ends_with("_id")
        || [
            "patient",
            "doctor",
            "dispositif",
            "specialty",
            "room",
            "ward",
        ]
        .contains(&name)
}

#[tokio::test]
async fn the_document_bounds_every_id_and_page() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let mut unbounded = Vec::new();
    let integer = |schema: &Value| {
        schema["type"] == "integer"
            || schema["type"]
                .as_array()
                .is_some_and(|t| t.contains(&json!("integer")))
    };
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap_or_default();
                let schema = &parameter["schema"];
                if integer(schema)
                    && (names_an_id(name) || name == "page" || name == "per_page")
                    && schema["minimum"].as_f64().is_none_or(|m| m < 1.0)
                {
                    unbounded.push(format!("{method} {path}: parameter {name}"));
                }
            }
        }
    }
    // The bodies clients send (what a fuzzer generates).
    let bodies: std::collections::BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|operation| {
            operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
        })
        .map(|r| r.trim_start_matches("#/components/schemas/").to_owned())
        .collect();
    for schema_name in &bodies {
        let schema = &doc["components"]["schemas"][schema_name];
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            // A documented 0 ("detach") is a bound too.
            if integer(property)
                && names_an_id(name)
                && property["minimum"].as_f64().is_none_or(|m| m < 0.0)
            {
                unbounded.push(format!("schema {schema_name}: {name}"));
            }
        }
    }
    assert!(
        unbounded.is_empty(),
        "no minimum of 1:\n{}",
        unbounded.join("\n")
    );
}

#[tokio::test]
async fn the_portal_s_json_arguments_are_read_as_strictly() {
    use leptos::server_fn::ServerFn;
    let app = spawn_app().await;
    let (_, doctor, _) = app.user_with_tokens(Role::Doctor, "dr.roux").await;
    let path = <app::api::records::SaveRecord as ServerFn>::PATH;
    for body in [
        json!([1, {}]),
        json!({"id": 1, "changes": [null, null, 3]}),
        json!({"id": 1, "changes": null}),
    ] {
        let response = app
            .client
            .post(app.url(path))
            .header("cookie", format!("medplat_access={doctor}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 400, "{body}: {text}");
        assert!(text.contains("invalid_body"), "{body}: {text}");
    }
}
