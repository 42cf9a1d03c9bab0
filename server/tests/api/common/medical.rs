//! Fixtures of the medical-data policy tests: signed-in actors standing in
//! every relationship to one patient ([`World`]), requests that collect the
//! trail entries they appended, and the expected entries.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{TestApp, parts};
use domain::accounts::Role;
use domain::store::trail::{StoredEntry, chain_after, peek_head};
use reqwest::Method;
use serde_json::{Value, json};

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

/// The first `weekday` (Monday 1 … Sunday 7) at least `days` days after
/// today in Paris.
pub fn next_weekday(weekday: i8, days: i64) -> jiff::civil::Date {
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .date();
    let mut day = today.checked_add(jiff::Span::new().days(days)).unwrap();
    while day.weekday().to_monday_one_offset() != weekday {
        day = day.tomorrow().unwrap();
    }
    day
}

/// The doctor adds weekly hours on `day` (Monday 0) from `start` to `end`:
/// 30-minute slots of one place, either kind of consultation.
pub async fn add_weekly(app: &TestApp, doctor: &Actor, day: i64, start: &str, end: &str) {
    let body = json!({"day_of_week": day, "start_time": start, "end_time": end,
        "consultation_type": "both", "duration_minutes": 30, "max_consultations": 1});
    let sent = post(app, doctor, "/api/v1/availabilities/", body).await;
    assert_eq!(sent.status, 201, "{}", sent.text);
}

/// A doctor open every day 07:00–21:00, 30-minute slots of one place.
pub async fn open_every_day(app: &TestApp, doctor: &Actor) {
    for day in 0..7 {
        add_weekly(app, doctor, day, "07:00", "21:00").await;
    }
}

/// The starts of the doctor's free slots, soonest first.
pub async fn free_starts(app: &TestApp, doctor: &Actor, asking: &Actor) -> Vec<String> {
    let (status, slots) = parts(
        app.get_auth(
            &format!(
                "/api/v1/availabilities/available-slots/?doctor={}",
                doctor.id
            ),
            &asking.token,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{slots}");
    slots
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

/// The patient books `start` with the doctor, giving `reason`; returns the
/// appointment's id after checking the trail.
pub async fn book(
    app: &TestApp,
    patient: &Actor,
    doctor: &Actor,
    start: &str,
    reason: &str,
) -> i64 {
    let sent = post(
        app,
        patient,
        "/api/v1/appointments/",
        json!({"doctor_id": doctor.id, "start": start, "consultation_type": "remote", "reason": reason}),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    let id = sent.body["id"].as_i64().unwrap();
    let expected = if reason.is_empty() {
        Vec::new()
    } else {
        want(
            patient,
            "create",
            "appointment_reason",
            patient.id,
            Trail::Allowed,
        )
    };
    assert_trail(&sent, &expected, "booking");
    if let Some(entry) = sent.entries.first() {
        assert_eq!(entry.resource_id, Some(id.to_string()));
    }
    id
}

/// Sets an emergency access's end to now (it no longer opens anything).
pub async fn expire(app: &TestApp, grant_id: i64) {
    let now = jiff::Timestamp::now().as_millisecond();
    let done = sqlx::query("UPDATE emergency_access SET expires_at = $1 WHERE id = $2")
        .bind(now - 1)
        .bind(grant_id)
        .execute(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
}

pub const REASON: &str = "Patient admis inconscient aux urgences";

/// Everyone who may try a patient's data, standing as the issue lists.
pub struct World {
    pub patient: Actor,
    pub other_patient: Actor,
    /// In care: accepted the patient's appointment.
    pub by_appointment: Actor,
    /// In care: assigned by an administrator.
    pub assigned: Actor,
    /// Was in care; the patient withdrew them.
    pub withdrawn: Actor,
    /// No relationship.
    pub stranger: Actor,
    /// Under emergency access.
    pub emergency: Actor,
    /// Emergency access that has expired.
    pub expired: Actor,
    pub admin: Actor,
    /// The appointment `by_appointment` accepted.
    pub appointment_id: i64,
    /// The relationship the patient ended.
    pub withdrawn_relationship: i64,
}

impl World {
    pub async fn new(app: &TestApp) -> Self {
        let patient = actor(app, Role::Patient, "marie").await;
        let other_patient = actor(app, Role::Patient, "paul").await;
        let by_appointment = actor(app, Role::Doctor, "dr.appointment").await;
        let assigned = actor(app, Role::Doctor, "dr.assigned").await;
        let withdrawn = actor(app, Role::Doctor, "dr.withdrawn").await;
        let stranger = actor(app, Role::Doctor, "dr.stranger").await;
        let emergency = actor(app, Role::Doctor, "dr.emergency").await;
        let expired = actor(app, Role::Doctor, "dr.expired").await;
        let admin = actor(app, Role::Admin, "admin").await;

        // Accepting an appointment starts the care relationship.
        open_every_day(app, &by_appointment).await;
        let start = free_starts(app, &by_appointment, &patient).await[0].clone();
        let appointment_id =
            book(app, &patient, &by_appointment, &start, "Douleur thoracique").await;
        let accepted = post(
            app,
            &by_appointment,
            &format!("/api/v1/appointments/{appointment_id}/accept/"),
            json!({}),
        )
        .await;
        assert_eq!(accepted.status, 200, "{}", accepted.text);
        assert_eq!(accepted.body["status"], "confirmed");
        let mut expected = want(
            &by_appointment,
            "create",
            "care_relationship",
            patient.id,
            Trail::Allowed,
        );
        expected.extend(want(
            &by_appointment,
            "read",
            "appointment_reason",
            patient.id,
            Trail::Allowed,
        ));
        assert_trail(
            &accepted,
            &expected,
            "accepting starts care and reads the reason",
        );

        for doctor in [&assigned, &withdrawn] {
            let sent = post(
                app,
                &admin,
                "/api/v1/care-relationships/",
                json!({"doctor_id": doctor.id, "patient_id": patient.id}),
            )
            .await;
            assert_eq!(sent.status, 201, "{}", sent.text);
            assert_eq!(sent.body["origin"], "assigned");
        }
        let withdrawn_relationship = relationship_of(app, &admin, &withdrawn, &patient).await;
        let sent = post(
            app,
            &patient,
            &format!("/api/v1/care-relationships/{withdrawn_relationship}/end/"),
            json!({}),
        )
        .await;
        assert_eq!(sent.status, 200, "{}", sent.text);
        assert_eq!(sent.body["end"], "withdrawn");

        for doctor in [&emergency, &expired] {
            let sent = post(
                app,
                doctor,
                &format!("/api/v1/patients/{}/emergency-access/", patient.id),
                json!({"reason": REASON}),
            )
            .await;
            assert_eq!(sent.status, 201, "{}", sent.text);
        }
        let expired_grant: i64 = sqlx::query_scalar(
            "SELECT id FROM emergency_access WHERE doctor_id = $1 AND patient_id = $2",
        )
        .bind(expired.id)
        .bind(patient.id)
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
        expire(app, expired_grant).await;

        Self {
            patient,
            other_patient,
            by_appointment,
            assigned,
            withdrawn,
            stranger,
            emergency,
            expired,
            admin,
            appointment_id,
            withdrawn_relationship,
        }
    }

    pub fn profile_path(&self) -> String {
        format!("/api/v1/patients/{}/profile/", self.patient.id)
    }
}

/// The id of the (latest) relationship of `doctor` with `patient`, as an
/// administrator lists it.
pub async fn relationship_of(app: &TestApp, admin: &Actor, doctor: &Actor, patient: &Actor) -> i64 {
    let sent = get(
        app,
        admin,
        &format!(
            "/api/v1/care-relationships/?doctor_id={}&patient_id={}&with_ended=true",
            doctor.id, patient.id
        ),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    sent.body[0]["id"].as_i64().unwrap()
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
