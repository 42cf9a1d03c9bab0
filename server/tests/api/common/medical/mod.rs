//! Fixtures of the medical-data policy tests: signed-in actors standing in
//! every relationship to one patient ([`World`]), requests that collect the
//! trail entries they appended, and the expected entries.
//!
//! Split: doctors' hours, free slots and bookings are in `calendar`, the
//! world of actors and what builds it in `world`; both are re-exported here.

mod calendar;
mod world;

use std::sync::atomic::{AtomicU64, Ordering};

use super::TestApp;
use domain::accounts::Role;
use domain::store::trail::{StoredEntry, chain_after, peek_head};
use reqwest::Method;
use serde_json::{Value, json};

pub use calendar::{add_weekly, book, free_starts, next_weekday, open_every_day};
pub use world::{REASON, World, expire, relationship_of};

/// A signed-in account.
pub struct Actor {
    pub id: i64,
    pub token: String,
    pub label: &'static str,
    pub role: &'static str,
}

/// What a request answered, and the trail entries it appended.
pub struct Sent {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub content_type: String,
    pub request_id: String,
    /// The door the entries must name (`rest`, `web`).
    pub door: &'static str,
    pub entries: Vec<StoredEntry>,
}

static REQUESTS: AtomicU64 = AtomicU64::new(1);

pub async fn trail_head(app: &TestApp) -> i64 {
    let mut conn = app.state.services.db().pool().acquire().await.unwrap();
    peek_head(&mut conn).await.unwrap().0
}

pub async fn trail_after(app: &TestApp, seq: i64) -> Vec<StoredEntry> {
    let mut conn = app.state.services.db().pool().acquire().await.unwrap();
    chain_after(&mut conn, seq, 100_000).await.unwrap()
}

/// Sends one request as `actor` with its own `x-request-id`, and collects the
/// trail entries appended meanwhile (reads answer once their entry is
/// committed, so they are all there when the response arrives).
pub async fn send(
    app: &TestApp,
    actor: &Actor,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Sent {
    let request_id = format!("it-{}", REQUESTS.fetch_add(1, Ordering::Relaxed));
    let before = trail_head(app).await;
    let mut request = app
        .client
        .request(method, app.url(path))
        .bearer_auth(&actor.token)
        .header("x-request-id", &request_id);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some(request_id.as_str()),
        "the request id is echoed"
    );
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    let entries = trail_after(app, before).await;
    Sent {
        status,
        body,
        text,
        content_type,
        request_id,
        door: if path.starts_with("/fhir/") {
            "fhir"
        } else {
            "rest"
        },
        entries,
    }
}

pub async fn get(app: &TestApp, actor: &Actor, path: &str) -> Sent {
    send(app, actor, Method::GET, path, None).await
}

pub async fn post(app: &TestApp, actor: &Actor, path: &str, body: Value) -> Sent {
    send(app, actor, Method::POST, path, Some(body)).await
}

pub async fn put(app: &TestApp, actor: &Actor, path: &str, body: Value) -> Sent {
    send(app, actor, Method::PUT, path, Some(body)).await
}

/// What the trail should hold after one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trail {
    /// One allowed entry.
    Allowed,
    /// One allowed entry flagged as emergency access.
    AllowedEmergency,
    /// One refused entry.
    Refused,
    /// One refused entry flagged as emergency access (a doctor under
    /// emergency access tried what it does not open).
    RefusedEmergency,
    /// Nothing.
    Nothing,
}

/// An entry as the assertions compare it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub actor: Option<i64>,
    pub role: Option<String>,
    pub action: String,
    pub resource: String,
    pub patient: Option<i64>,
    pub allowed: bool,
    pub emergency: bool,
}

pub fn seen(e: &StoredEntry) -> Seen {
    Seen {
        actor: e.actor_id,
        role: e.actor_role.clone(),
        action: e.action.clone(),
        resource: e.resource.clone(),
        patient: e.patient_id,
        allowed: e.allowed,
        emergency: e.emergency,
    }
}

pub fn want(actor: &Actor, action: &str, resource: &str, patient: i64, trail: Trail) -> Vec<Seen> {
    let (allowed, emergency) = match trail {
        Trail::Allowed => (true, false),
        Trail::AllowedEmergency => (true, true),
        Trail::Refused => (false, false),
        Trail::RefusedEmergency => (false, true),
        Trail::Nothing => return Vec::new(),
    };
    vec![Seen {
        actor: Some(actor.id),
        role: Some(actor.role.to_owned()),
        action: action.to_owned(),
        resource: resource.to_owned(),
        patient: Some(patient),
        allowed,
        emergency,
    }]
}

/// Checks that every entry of `sent` came in by its door with its request id, and
/// that they are `expected`, in order.
pub fn assert_trail(sent: &Sent, expected: &[Seen], what: &str) {
    for e in &sent.entries {
        assert_eq!(e.door, sent.door, "{what}: door of {e:?}");
        assert_eq!(
            e.request_id.as_deref(),
            Some(sent.request_id.as_str()),
            "{what}: request id of {e:?}"
        );
    }
    let got: Vec<Seen> = sent.entries.iter().map(seen).collect();
    assert_eq!(got, expected, "{what}: trail entries");
}

/// One row of a policy table: who tries, the status they get, what the trail
/// records.
pub type Row<'a> = (&'a Actor, u16, Trail);

/// Tries one route as every actor of `rows`, in order.
#[allow(clippy::too_many_arguments)]
pub async fn table(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    action: &str,
    resource: &str,
    patient: i64,
    rows: &[Row<'_>],
) -> Vec<Sent> {
    let mut all = Vec::new();
    for (actor, status, trail) in rows {
        let sent = send(app, actor, method.clone(), path, body.clone()).await;
        let what = format!("{method} {path} as {}", actor.label);
        assert_eq!(sent.status, *status, "{what}: {}", sent.text);
        if *status == 403 && sent.door == "fhir" {
            assert_eq!(sent.body["resourceType"], "OperationOutcome", "{what}");
            assert_eq!(sent.body["issue"][0]["code"], "forbidden", "{what}");
        } else if *status == 403 {
            assert_eq!(
                sent.body["code"], "permission_denied",
                "{what}: {}",
                sent.text
            );
        }
        assert_trail(
            &sent,
            &want(actor, action, resource, patient, *trail),
            &what,
        );
        all.push(sent);
    }
    all
}

pub async fn actor(app: &TestApp, role: Role, username: &'static str) -> Actor {
    let (id, token, _) = app.user_with_tokens(role, username).await;
    Actor {
        id,
        token,
        label: username,
        role: role.as_str(),
    }
}

pub fn doctor_ids(list: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["doctor_id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

/// A day a month from now, `YYYY-MM-DD`.
pub fn next_month() -> String {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    today.saturating_add(jiff::Span::new().days(31)).to_string()
}

pub fn a_profile() -> Value {
    json!({
        "date_of_birth": "1984-03-12",
        "sex": "female",
        "blood_group": "ab +",
        "height_cm": 168,
        "weight_kg": 62.46,
        "allergies": ["pénicilline", "arachide"],
        "chronic_conditions": "asthme",
        "emergency_contact_name": "Jean Martin",
        "emergency_contact_phone": "06 12 34 56 78",
        "emergency_contact_relation": "conjoint",
        "mobile_phone": "+33 6 98 76 54 32",
        "blood_pressure_level": "normal",
        "cholesterol_level": "high"
    })
}
