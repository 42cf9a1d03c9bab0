//! The medical-data policy through the real server (REST, SQLite): every
//! medical route tried by every role and relationship — the patient themself,
//! doctors in care (by an accepted appointment, by assignment), a doctor the
//! patient withdrew, a doctor with no relationship, doctors under emergency
//! access before and after it expires, an administrator, another patient —
//! with both the status and what the access trail recorded: one entry per
//! allowed access, one refused entry per refused attempt, nothing for what was
//! merely not shown.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use common::{TestApp, parts, spawn_app};
use domain::accounts::Role;
use domain::store::trail::{StoredEntry, chain_after, peek_head};
use reqwest::Method;
use serde_json::{Value, json};

/// A signed-in account.
struct Actor {
    id: i64,
    token: String,
    label: &'static str,
    role: &'static str,
}

/// What a request answered, and the trail entries it appended.
struct Sent {
    status: u16,
    body: Value,
    text: String,
    content_type: String,
    request_id: String,
    entries: Vec<StoredEntry>,
}

static REQUESTS: AtomicU64 = AtomicU64::new(1);

async fn trail_head(app: &TestApp) -> i64 {
    let mut conn = app.state.services.db().pool().acquire().await.unwrap();
    peek_head(&mut conn).await.unwrap().0
}

async fn trail_after(app: &TestApp, seq: i64) -> Vec<StoredEntry> {
    let mut conn = app.state.services.db().pool().acquire().await.unwrap();
    chain_after(&mut conn, seq, 100_000).await.unwrap()
}

/// Sends one request as `actor` with its own `x-request-id`, and collects the
/// trail entries appended meanwhile (reads answer once their entry is
/// committed, so they are all there when the response arrives).
async fn send(
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
        entries,
    }
}

async fn get(app: &TestApp, actor: &Actor, path: &str) -> Sent {
    send(app, actor, Method::GET, path, None).await
}

async fn post(app: &TestApp, actor: &Actor, path: &str, body: Value) -> Sent {
    send(app, actor, Method::POST, path, Some(body)).await
}

async fn put(app: &TestApp, actor: &Actor, path: &str, body: Value) -> Sent {
    send(app, actor, Method::PUT, path, Some(body)).await
}

/// What the trail should hold after one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trail {
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
struct Seen {
    actor: Option<i64>,
    role: Option<String>,
    action: String,
    resource: String,
    patient: Option<i64>,
    allowed: bool,
    emergency: bool,
}

fn seen(e: &StoredEntry) -> Seen {
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

fn want(actor: &Actor, action: &str, resource: &str, patient: i64, trail: Trail) -> Vec<Seen> {
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

/// Checks that every entry of `sent` came in by REST with its request id, and
/// that they are `expected`, in order.
fn assert_trail(sent: &Sent, expected: &[Seen], what: &str) {
    for e in &sent.entries {
        assert_eq!(e.door, "rest", "{what}: door of {e:?}");
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
type Row<'a> = (&'a Actor, u16, Trail);

/// Tries one route as every actor of `rows`, in order.
#[allow(clippy::too_many_arguments)]
async fn table(
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
        if *status == 403 {
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

async fn actor(app: &TestApp, role: Role, username: &'static str) -> Actor {
    let (id, token, _) = app.user_with_tokens(role, username).await;
    Actor {
        id,
        token,
        label: username,
        role: role.as_str(),
    }
}

/// A doctor open every day 07:00–21:00, 30-minute slots of one place.
async fn open_every_day(app: &TestApp, doctor: &Actor) {
    for day in 0..7 {
        let body = json!({"day_of_week": day, "start_time": "07:00", "end_time": "21:00",
            "consultation_type": "both", "duration_minutes": 30, "max_consultations": 1});
        let response = app
            .post_auth("/api/v1/availabilities/", &doctor.token, body)
            .await;
        assert_eq!(response.status(), 201);
    }
}

/// The starts of the doctor's free slots, soonest first.
async fn free_starts(app: &TestApp, doctor: &Actor, asking: &Actor) -> Vec<String> {
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
async fn book(app: &TestApp, patient: &Actor, doctor: &Actor, start: &str, reason: &str) -> i64 {
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
async fn expire(app: &TestApp, grant_id: i64) {
    let now = jiff::Timestamp::now().as_millisecond();
    let done = sqlx::query("UPDATE emergency_access SET expires_at = $1 WHERE id = $2")
        .bind(now - 1)
        .bind(grant_id)
        .execute(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
}

const REASON: &str = "Patient admis inconscient aux urgences";

/// Everyone who may try a patient's data, standing as the issue lists.
struct World {
    patient: Actor,
    other_patient: Actor,
    /// In care: accepted the patient's appointment.
    by_appointment: Actor,
    /// In care: assigned by an administrator.
    assigned: Actor,
    /// Was in care; the patient withdrew them.
    withdrawn: Actor,
    /// No relationship.
    stranger: Actor,
    /// Under emergency access.
    emergency: Actor,
    /// Emergency access that has expired.
    expired: Actor,
    admin: Actor,
    /// The appointment `by_appointment` accepted.
    appointment_id: i64,
    /// The relationship the patient ended.
    withdrawn_relationship: i64,
}

impl World {
    async fn new(app: &TestApp) -> Self {
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

    fn profile_path(&self) -> String {
        format!("/api/v1/patients/{}/profile/", self.patient.id)
    }
}

/// The id of the (latest) relationship of `doctor` with `patient`, as an
/// administrator lists it.
async fn relationship_of(app: &TestApp, admin: &Actor, doctor: &Actor, patient: &Actor) -> i64 {
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

fn doctor_ids(list: &Value) -> Vec<i64> {
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
fn next_month() -> String {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    today.saturating_add(jiff::Span::new().days(31)).to_string()
}

fn a_profile() -> Value {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_and_care_team_are_read_as_the_policy_says() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;

    let reads = table(
        &app,
        Method::GET,
        &w.profile_path(),
        None,
        "read",
        "medical_profile",
        w.patient.id,
        &[
            (&w.patient, 200, Allowed),
            (&w.by_appointment, 200, Allowed),
            (&w.assigned, 200, Allowed),
            (&w.withdrawn, 403, Refused),
            (&w.stranger, 403, Refused),
            (&w.emergency, 200, AllowedEmergency),
            (&w.expired, 403, Refused),
            (&w.admin, 403, Refused),
            (&w.other_patient, 403, Refused),
        ],
    )
    .await;
    assert_eq!(reads[0].body["patient_id"], w.patient.id);
    assert_eq!(reads[0].body["updated_at"], Value::Null, "never filled in");

    let team_path = format!("/api/v1/patients/{}/care-team/", w.patient.id);
    let teams = table(
        &app,
        Method::GET,
        &team_path,
        None,
        "read",
        "care_relationship",
        w.patient.id,
        &[
            (&w.patient, 200, Allowed),
            (&w.by_appointment, 200, Allowed),
            (&w.assigned, 200, Allowed),
            (&w.withdrawn, 403, Refused),
            (&w.stranger, 403, Refused),
            (&w.emergency, 200, AllowedEmergency),
            (&w.expired, 403, Refused),
            (&w.admin, 200, Allowed),
            (&w.other_patient, 403, Refused),
        ],
    )
    .await;
    let running = {
        let mut ids = vec![w.by_appointment.id, w.assigned.id];
        ids.sort_unstable();
        ids
    };
    for sent in teams.iter().filter(|s| s.status == 200) {
        assert_eq!(doctor_ids(&sent.body), running, "the running team");
    }
    let with_ended = get(&app, &w.patient, &format!("{team_path}?with_ended=true")).await;
    assert_eq!(with_ended.status, 200);
    let mut all = running.clone();
    all.push(w.withdrawn.id);
    all.sort_unstable();
    assert_eq!(doctor_ids(&with_ended.body), all);
    let ended: Vec<&Value> = with_ended
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["end"] == "withdrawn")
        .collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0]["id"], w.withdrawn_relationship);
    assert_eq!(
        with_ended
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["doctor_id"] == w.by_appointment.id)
            .unwrap()["appointment_id"],
        w.appointment_id
    );

    // A doctor's account is no patient: 404, and nothing to record.
    for path in [
        format!("/api/v1/patients/{}/profile/", w.assigned.id),
        format!("/api/v1/patients/{}/care-team/", w.assigned.id),
        "/api/v1/patients/999999/profile/".to_owned(),
    ] {
        let sent = get(&app, &w.by_appointment, &path).await;
        assert_eq!(sent.status, 404, "{path}: {}", sent.text);
        assert_trail(&sent, &[], &path);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_patient_writes_their_profile_and_errors_name_the_field() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;

    let path = w.profile_path();
    let saves = table(
        &app,
        Method::PUT,
        &path,
        Some(a_profile()),
        "update",
        "medical_profile",
        w.patient.id,
        &[
            (&w.by_appointment, 403, Refused),
            (&w.assigned, 403, Refused),
            (&w.withdrawn, 403, Refused),
            (&w.stranger, 403, Refused),
            (&w.emergency, 403, RefusedEmergency),
            (&w.expired, 403, Refused),
            (&w.admin, 403, Refused),
            (&w.other_patient, 403, Refused),
            (&w.patient, 200, Allowed),
        ],
    )
    .await;
    let saved = &saves.last().unwrap().body;
    assert_eq!(saved["blood_group"], "AB+");
    assert_eq!(saved["mobile_phone"], "+33698765432");
    assert_eq!(saved["weight_kg"], 62.5);
    assert_eq!(saved["chronic_conditions"], json!(["asthme"]));
    assert_eq!(saved["emergency_contact"]["phone"], "+33612345678");

    // The doctor in care reads what the patient wrote.
    let read = get(&app, &w.assigned, &path).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["blood_group"], "AB+");
    assert_eq!(read.body["allergies"], json!(["pénicilline", "arachide"]));
    assert_eq!(read.body["cholesterol_level"], "high");
    assert!(read.body["updated_at"].is_i64());

    // Validation errors name their field and write nothing.
    for (field, value, code) in [
        ("blood_group", json!("Z+"), "invalid_choice"),
        ("sex", json!("unknown"), "invalid_choice"),
        ("date_of_birth", json!(next_month()), "in_future"),
        ("height_cm", json!(400), "out_of_range"),
        ("mobile_phone", json!("12"), "invalid_phone"),
        ("emergency_contact_phone", json!(""), "required"),
    ] {
        let mut body = a_profile();
        body[field] = value;
        let sent = put(&app, &w.patient, &path, body).await;
        assert_eq!(sent.status, 400, "{field}: {}", sent.text);
        assert_eq!(sent.body["field"], field, "{}", sent.text);
        assert_eq!(sent.body["code"], code, "{}", sent.text);
        assert_trail(&sent, &[], field);
    }
    let unchanged = get(&app, &w.patient, &path).await;
    assert_eq!(unchanged.body["blood_group"], "AB+", "nothing half-written");

    // A mobile number belongs to one active patient.
    let other_path = format!("/api/v1/patients/{}/profile/", w.other_patient.id);
    let taken = put(&app, &w.other_patient, &other_path, a_profile()).await;
    assert_eq!(taken.status, 409, "{}", taken.text);
    assert_eq!(taken.body["field"], "mobile_phone");
    assert_eq!(taken.body["code"], "mobile_phone_taken");
    assert_trail(&taken, &[], "a refused change writes no entry");
    let other_read = get(&app, &w.other_patient, &other_path).await;
    assert_eq!(other_read.body["updated_at"], Value::Null, "nothing saved");
    // … until its holder's account is deactivated.
    let deactivated = post(
        &app,
        &w.admin,
        &format!("/api/v1/users/{}/deactivate/", w.patient.id),
        json!({}),
    )
    .await;
    assert_eq!(deactivated.status, 200, "{}", deactivated.text);
    let freed = put(&app, &w.other_patient, &other_path, a_profile()).await;
    assert_eq!(freed.status, 200, "{}", freed.text);
    assert_trail(
        &freed,
        &want(
            &w.other_patient,
            "update",
            "medical_profile",
            w.other_patient.id,
            Allowed,
        ),
        "the freed number",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breaking_the_glass_is_for_doctors_outside_the_team_and_lasts_until_it_expires() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;

    let path = format!("/api/v1/patients/{}/emergency-access/", w.patient.id);
    let body = json!({"reason": format!("  {REASON}  ")});
    let opened = table(
        &app,
        Method::POST,
        &path,
        Some(body.clone()),
        "break_glass",
        "emergency_access",
        w.patient.id,
        &[
            (&w.patient, 403, Refused),
            (&w.other_patient, 403, Refused),
            (&w.admin, 403, Refused),
            (&w.by_appointment, 409, Nothing),
            (&w.assigned, 409, Nothing),
            (&w.emergency, 409, Nothing),
            (&w.withdrawn, 201, AllowedEmergency),
            (&w.stranger, 201, AllowedEmergency),
            (&w.expired, 201, AllowedEmergency),
        ],
    )
    .await;
    for sent in opened.iter().filter(|s| s.status == 409) {
        assert_eq!(sent.body["code"], "already_has_access", "{}", sent.text);
    }
    let grant = &opened[7].body;
    assert_eq!(grant["doctor_id"], w.stranger.id);
    assert_eq!(grant["reason"], REASON, "trimmed");
    let (granted_at, expires_at) = (
        grant["granted_at"].as_i64().unwrap(),
        grant["expires_at"].as_i64().unwrap(),
    );
    assert_eq!(expires_at - granted_at, 60 * 60 * 1000, "one hour");
    assert_eq!(
        opened[7].entries[0].resource_id,
        Some(grant["id"].as_i64().unwrap().to_string())
    );

    // The reason is required, 10 to 500 characters; nothing is opened without it.
    let newcomer = actor(&app, Role::Doctor, "dr.newcomer").await;
    for reason in ["", "  urgent  ", &"x".repeat(501)] {
        let sent = post(&app, &newcomer, &path, json!({"reason": reason})).await;
        assert_eq!(sent.status, 400, "{}", sent.text);
        assert_eq!(sent.body["field"], "reason");
        assert_trail(&sent, &[], "a bad reason");
    }
    let not_a_patient = post(
        &app,
        &newcomer,
        &format!("/api/v1/patients/{}/emergency-access/", w.admin.id),
        body.clone(),
    )
    .await;
    assert_eq!(not_a_patient.status, 404);
    assert_trail(&not_a_patient, &[], "no such patient");

    // The patient is told, with who and why.
    let (status, inbox) = parts(
        app.get_auth("/api/v1/notifications/", &w.patient.token)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{inbox}");
    let notices: Vec<&Value> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["notice"])
        .filter(|n| n["kind"] == "emergency_access")
        .collect();
    // dr.emergency and dr.expired while the world was made, then three more.
    assert_eq!(notices.len(), 5, "{inbox}");
    assert!(
        notices
            .iter()
            .any(|n| n["doctor_name"] == "Test dr.stranger" && n["reason"] == REASON),
        "{inbox}"
    );
    let (_, others) = parts(
        app.get_auth("/api/v1/notifications/", &w.other_patient.token)
            .await,
    )
    .await;
    assert!(
        others["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["notice"]["kind"] != "emergency_access"),
        "only the patient concerned: {others}"
    );

    // Before expiry: reads flagged as emergency; after: refused, on the very
    // next request.
    let profile = w.profile_path();
    let before = get(&app, &w.stranger, &profile).await;
    assert_eq!(before.status, 200);
    assert_trail(
        &before,
        &want(
            &w.stranger,
            "read",
            "medical_profile",
            w.patient.id,
            AllowedEmergency,
        ),
        "before expiry",
    );
    expire(&app, grant["id"].as_i64().unwrap()).await;
    let after = get(&app, &w.stranger, &profile).await;
    assert_eq!(after.status, 403);
    assert_trail(
        &after,
        &want(
            &w.stranger,
            "read",
            "medical_profile",
            w.patient.id,
            Refused,
        ),
        "after expiry",
    );
    let team = get(
        &app,
        &w.stranger,
        &format!("/api/v1/patients/{}/care-team/", w.patient.id),
    )
    .await;
    assert_eq!(team.status, 403);
    // The glass can be broken again.
    let again = post(&app, &w.stranger, &path, body).await;
    assert_eq!(again.status, 201, "{}", again.text);
    let read = get(&app, &w.stranger, &profile).await;
    assert_eq!(read.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn care_relationships_are_assigned_by_administrators_and_ended_by_patient_or_administrator() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;

    let assign = json!({"doctor_id": w.stranger.id, "patient_id": w.patient.id});
    let created = table(
        &app,
        Method::POST,
        "/api/v1/care-relationships/",
        Some(assign.clone()),
        "create",
        "care_relationship",
        w.patient.id,
        &[
            (&w.patient, 403, Refused),
            (&w.other_patient, 403, Refused),
            (&w.stranger, 403, Refused),
            (&w.by_appointment, 403, Refused),
            (&w.emergency, 403, RefusedEmergency),
            (&w.admin, 201, Allowed),
            (&w.admin, 409, Nothing),
        ],
    )
    .await;
    let relationship = created[5].body["id"].as_i64().unwrap();
    assert_eq!(
        created[5].entries[0].resource_id,
        Some(relationship.to_string())
    );
    assert_eq!(created[6].body["field"], "doctor_id");
    assert_eq!(created[6].body["code"], "already_in_care");
    // The new member reads at once.
    let read = get(&app, &w.stranger, &w.profile_path()).await;
    assert_eq!(read.status, 200);
    for (body, field_status) in [
        (
            json!({"doctor_id": w.patient.id, "patient_id": w.patient.id}),
            404,
        ),
        (
            json!({"doctor_id": w.stranger.id, "patient_id": w.admin.id}),
            404,
        ),
    ] {
        let sent = post(&app, &w.admin, "/api/v1/care-relationships/", body).await;
        assert_eq!(sent.status, field_status, "{}", sent.text);
        assert_trail(&sent, &[], "not a doctor / not a patient");
    }

    // Lists: the patient their team (a read of their care data), a doctor
    // their patients, administrators anyone's.
    let mine = get(&app, &w.patient, "/api/v1/care-relationships/").await;
    assert_eq!(mine.status, 200);
    let mut team = vec![w.by_appointment.id, w.assigned.id, w.stranger.id];
    team.sort_unstable();
    assert_eq!(doctor_ids(&mine.body), team);
    assert_trail(
        &mine,
        &want(
            &w.patient,
            "read",
            "care_relationship",
            w.patient.id,
            Allowed,
        ),
        "the patient's list",
    );
    let patients = get(&app, &w.assigned, "/api/v1/care-relationships/").await;
    assert_eq!(patients.status, 200);
    assert_eq!(patients.body.as_array().unwrap().len(), 1);
    assert_eq!(patients.body[0]["patient_id"], w.patient.id);
    let gone = get(&app, &w.withdrawn, "/api/v1/care-relationships/").await;
    assert_eq!(gone.body, json!([]), "only running ones by default");
    let past = get(
        &app,
        &w.withdrawn,
        "/api/v1/care-relationships/?with_ended=true",
    )
    .await;
    assert_eq!(past.body[0]["end"], "withdrawn");
    let none = get(&app, &w.emergency, "/api/v1/care-relationships/").await;
    assert_eq!(none.body, json!([]), "emergency access is no relationship");
    let everyone = get(
        &app,
        &w.admin,
        &format!("/api/v1/care-relationships/?patient_id={}", w.patient.id),
    )
    .await;
    assert_eq!(doctor_ids(&everyone.body), team);
    assert_trail(&everyone, &[], "the administrator's overview");

    // Ending: the patient (withdrawn) or an administrator (ended); a doctor
    // or another patient finds nothing to end.
    let end = format!("/api/v1/care-relationships/{relationship}/end/");
    for who in [&w.stranger, &w.other_patient, &w.assigned] {
        let sent = post(&app, who, &end, json!({})).await;
        assert_eq!(sent.status, 404, "{}: {}", who.label, sent.text);
        assert_trail(&sent, &[], who.label);
    }
    let ended = post(&app, &w.admin, &end, json!({})).await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    assert_eq!(ended.body["end"], "ended");
    assert!(ended.body["ended_at"].is_i64());
    assert_trail(
        &ended,
        &want(
            &w.admin,
            "update",
            "care_relationship",
            w.patient.id,
            Allowed,
        ),
        "ended by an administrator",
    );
    assert_eq!(ended.entries[0].resource_id, Some(relationship.to_string()));
    let twice = post(&app, &w.patient, &end, json!({})).await;
    assert_eq!(twice.status, 409);
    assert_eq!(twice.body["code"], "already_ended");
    assert_trail(&twice, &[], "already ended");
    let after = get(&app, &w.stranger, &w.profile_path()).await;
    assert_eq!(after.status, 403, "access ends with the relationship");

    let by_appointment = relationship_of(&app, &w.admin, &w.by_appointment, &w.patient).await;
    let withdrawn = post(
        &app,
        &w.patient,
        &format!("/api/v1/care-relationships/{by_appointment}/end/"),
        json!({}),
    )
    .await;
    assert_eq!(withdrawn.status, 200);
    assert_eq!(withdrawn.body["end"], "withdrawn");
    assert_trail(
        &withdrawn,
        &want(
            &w.patient,
            "update",
            "care_relationship",
            w.patient.id,
            Allowed,
        ),
        "withdrawn by the patient",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_doctor_loses_access_on_the_very_next_request() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let doctor = &w.by_appointment;
    let profile = w.profile_path();
    let appointment = format!("/api/v1/appointments/{}/", w.appointment_id);

    let read = get(&app, doctor, &profile).await;
    assert_eq!(read.status, 200);
    let seen = get(&app, doctor, &appointment).await;
    assert_eq!(seen.body["reason"], "Douleur thoracique");
    assert_trail(
        &seen,
        &want(
            doctor,
            "read",
            "appointment_reason",
            w.patient.id,
            Trail::Allowed,
        ),
        "in care",
    );

    let relationship = relationship_of(&app, &w.admin, doctor, &w.patient).await;
    let ended = post(
        &app,
        &w.patient,
        &format!("/api/v1/care-relationships/{relationship}/end/"),
        json!({}),
    )
    .await;
    assert_eq!(ended.status, 200);

    let refused = get(&app, doctor, &profile).await;
    assert_eq!(refused.status, 403);
    assert_trail(
        &refused,
        &want(
            doctor,
            "read",
            "medical_profile",
            w.patient.id,
            Trail::Refused,
        ),
        "the next request",
    );
    // The appointment stays theirs, its reason is no longer shown, and a
    // reason not shown is no access.
    let blank = get(&app, doctor, &appointment).await;
    assert_eq!(blank.status, 200);
    assert_eq!(blank.body["reason"], "");
    assert_trail(&blank, &[], "a reason not shown");
    let list = get(&app, doctor, "/api/v1/appointments/").await;
    assert_eq!(list.body[0]["reason"], "");
    assert_trail(&list, &[], "a reason not shown in the list");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appointment_reasons_are_shown_as_the_policy_says_and_each_read_recorded() {
    let app = spawn_app().await;
    let patient = actor(&app, Role::Patient, "marie").await;
    let other = actor(&app, Role::Patient, "paul").await;
    let doctor = actor(&app, Role::Doctor, "dr.house").await;
    let stranger = actor(&app, Role::Doctor, "dr.stranger").await;
    let admin = actor(&app, Role::Admin, "admin").await;
    open_every_day(&app, &doctor).await;
    let starts = free_starts(&app, &doctor, &patient).await;

    let first = book(&app, &patient, &doctor, &starts[0], "Douleur thoracique").await;
    let second = book(&app, &patient, &doctor, &starts[1], "Suivi tension").await;
    let others = book(&app, &other, &doctor, &starts[2], "Toux persistante").await;
    let no_reason = book(&app, &other, &doctor, &starts[3], "").await;

    // Requested of the doctor: they read the reasons to decide. One entry per
    // patient per request, naming the appointments read.
    let list = get(&app, &doctor, "/api/v1/appointments/").await;
    assert_eq!(list.status, 200);
    let reasons: Vec<(i64, &str)> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_i64().unwrap(), a["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        [
            (first, "Douleur thoracique"),
            (second, "Suivi tension"),
            (others, "Toux persistante"),
            (no_reason, ""),
        ]
    );
    let mut expected = want(
        &doctor,
        "read",
        "appointment_reason",
        patient.id,
        Trail::Allowed,
    );
    expected.extend(want(
        &doctor,
        "read",
        "appointment_reason",
        other.id,
        Trail::Allowed,
    ));
    assert_trail(&list, &expected, "the doctor's list");
    let ids: Vec<Option<String>> = list.entries.iter().map(|e| e.resource_id.clone()).collect();
    assert_eq!(
        ids,
        [Some(format!("{first},{second}")), Some(others.to_string())]
    );

    // The patient reads their own.
    let own = get(&app, &patient, &format!("/api/v1/appointments/{first}/")).await;
    assert_eq!(own.body["reason"], "Douleur thoracique");
    assert_trail(
        &own,
        &want(
            &patient,
            "read",
            "appointment_reason",
            patient.id,
            Trail::Allowed,
        ),
        "the patient",
    );
    assert_eq!(own.entries[0].resource_id, Some(first.to_string()));

    // Administrators see appointments, never their reasons; nothing is read.
    let overview = get(&app, &admin, "/api/v1/appointments/").await;
    assert_eq!(overview.status, 200);
    assert_eq!(overview.body.as_array().unwrap().len(), 4);
    assert!(
        overview
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["reason"] == ""),
        "{}",
        overview.text
    );
    assert_trail(&overview, &[], "the administrator's list");
    let one = get(&app, &admin, &format!("/api/v1/appointments/{first}/")).await;
    assert_eq!((one.status, &one.body["reason"]), (200, &json!("")));
    assert_trail(&one, &[], "the administrator's view");

    // Another doctor does not even see the appointment.
    let hidden = get(&app, &stranger, &format!("/api/v1/appointments/{first}/")).await;
    assert_eq!(hidden.status, 404);
    assert_trail(&hidden, &[], "another doctor");
    let empty = get(&app, &stranger, "/api/v1/appointments/").await;
    assert_eq!(empty.body, json!([]));
    assert_trail(&empty, &[], "another doctor's list");

    // Accepting starts the care; refusing does not, and the refused request's
    // reason is no longer the doctor's to read.
    let accepted = post(
        &app,
        &doctor,
        &format!("/api/v1/appointments/{first}/accept/"),
        json!({"message": "À lundi"}),
    )
    .await;
    assert_eq!(accepted.status, 200);
    assert_eq!(accepted.body["reason"], "Douleur thoracique");
    let refused = post(
        &app,
        &doctor,
        &format!("/api/v1/appointments/{others}/refuse/"),
        json!({}),
    )
    .await;
    assert_eq!(refused.status, 200, "{}", refused.text);
    assert_eq!(refused.body["reason"], "");
    assert_trail(&refused, &[], "refusing");

    let one = get(&app, &doctor, &format!("/api/v1/appointments/{others}/")).await;
    assert_eq!(one.body["reason"], "", "refused, not in care");
    assert_trail(&one, &[], "a refused request");

    // In care: every reason of the patient, confirmed or pending.
    let in_care = get(&app, &doctor, "/api/v1/appointments/").await;
    assert_trail(
        &in_care,
        &want(
            &doctor,
            "read",
            "appointment_reason",
            patient.id,
            Trail::Allowed,
        ),
        "in care",
    );
    assert_eq!(
        in_care.entries[0].resource_id,
        Some(format!("{first},{second}"))
    );

    // Withdrawn: the confirmed appointment's reason goes blank; the pending
    // request, still addressed to the doctor, stays readable.
    let relationship = relationship_of(&app, &admin, &doctor, &patient).await;
    let ended = post(
        &app,
        &patient,
        &format!("/api/v1/care-relationships/{relationship}/end/"),
        json!({}),
    )
    .await;
    assert_eq!(ended.status, 200);
    let after = get(&app, &doctor, "/api/v1/appointments/").await;
    let reasons: Vec<(i64, &str)> = after
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_i64().unwrap(), a["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        [
            (first, ""),
            (second, "Suivi tension"),
            (others, ""),
            (no_reason, ""),
        ]
    );
    assert_trail(
        &after,
        &want(
            &doctor,
            "read",
            "appointment_reason",
            patient.id,
            Trail::Allowed,
        ),
        "after withdrawal",
    );
    assert_eq!(after.entries[0].resource_id, Some(second.to_string()));
    let blank = get(&app, &doctor, &format!("/api/v1/appointments/{first}/")).await;
    assert_eq!(blank.body["reason"], "");
    assert_trail(&blank, &[], "after withdrawal, one");
}

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
        "seq,at,actor_id,actor_name,actor_role,action,resource,resource_id,patient_id,patient_name,door,request_id,allowed,emergency"
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
