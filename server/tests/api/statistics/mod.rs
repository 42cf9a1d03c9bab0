//! Statistics against hand counts: a fortnight of two doctors' appointments,
//! time off, alerts and outside messages written with known instants, read
//! by the administrator (whole platform, one specialty, one doctor) and by a
//! doctor (their own), days and hours in the reader's zone; the assistant's
//! answers counted by kind; every bad filter refused; CSV per table.
//!
//! Split by topic: the hand counts on SQLite and PostgreSQL (`hand_counts`),
//! who may read which figures (`access`), bad filters and the CSV tables
//! (`filters`) and the assistant's answers (`assistant`); the fortnight they
//! all read and the helpers that read it are here.

mod access;
mod assistant;
mod filters;
mod hand_counts;

use serde_json::Value;
use sqlx::AssertSqlSafe;

use crate::common::{TestApp, parts};
use domain::accounts::Role;

fn ms(instant: &str) -> i64 {
    instant.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

async fn exec(app: &TestApp, sql: String) {
    sqlx::raw_sql(AssertSqlSafe(sql))
        .execute(app.state.services.db().pool())
        .await
        .unwrap();
}

async fn stats(app: &TestApp, token: &str, query: &str) -> (u16, Value) {
    parts(app.get_auth(&format!("/api/v1/stats/{query}"), token).await).await
}

fn count(list: &Value, code: &str) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .map_or(0, |c| c["count"].as_i64().unwrap())
}

fn day<'a>(s: &'a Value, day: &str) -> &'a Value {
    s["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["day"] == day)
        .unwrap_or_else(|| panic!("no {day} in {}", s["appointments"]))
}

fn day_total(s: &Value, d: &str) -> i64 {
    day(s, d)["by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .sum()
}

/// Two doctors (cardiology with Monday mornings, dermatology with no hours),
/// their fortnight 2026-11-02 … 2026-11-15, alerts and messages.
async fn fortnight(app: &TestApp) -> (i64, i64, i64) {
    domain::demo::ensure_specialties(&app.state.services)
        .await
        .unwrap();
    let a = app.create_user(Role::Doctor, "dr.cardio").await;
    let b = app.create_user(Role::Doctor, "dr.derma").await;
    let p = app.create_user(Role::Patient, "pat").await;
    let q = app.create_user(Role::Patient, "other").await;
    let now = ms("2026-10-01T00:00:00Z");
    exec(app, format!(
        "INSERT INTO doctor_profiles (user_id, specialty_id, timezone) VALUES \
         ({a}, (SELECT id FROM specialties WHERE code = 'cardiology'), 'Europe/Paris'), \
         ({b}, (SELECT id FROM specialties WHERE code = 'dermatology'), 'Europe/Paris') \
         ON CONFLICT (user_id) DO UPDATE SET specialty_id = excluded.specialty_id, timezone = excluded.timezone; \
         INSERT INTO availabilities (doctor_id, weekday, start_time, end_time, consultation_type, duration_minutes, capacity, active, created_at) \
         VALUES ({a}, 0, '09:00', '12:00', 'both', 30, 1, 1, {now}); \
         INSERT INTO availability_exceptions (doctor_id, starts_at, ends_at, kind, reason, recurring_weekly, created_at) \
         VALUES ({a}, {}, {}, 'unavailable', '', 0, {now}); \
         INSERT INTO care_relationships (doctor_id, patient_id, started_at, origin) VALUES ({a}, {p}, {now}, 'assigned');",
        ms("2026-11-09T08:00:00Z"),
        ms("2026-11-09T09:00:00Z"),
    ))
    .await;
    // (doctor, start UTC, status, kind). Paris is UTC+1 in November.
    let appointments = [
        (a, "2026-11-02T08:00:00Z", "completed", "in_person"),
        (a, "2026-11-02T08:30:00Z", "no_show", "in_person"),
        (a, "2026-11-02T09:00:00Z", "cancelled", "remote"),
        (a, "2026-11-09T09:00:00Z", "completed", "remote"),
        (a, "2026-11-09T09:30:00Z", "confirmed", "in_person"),
        // 00:30 on Tuesday 10 in Paris, still Monday 9 in UTC.
        (a, "2026-11-09T23:30:00Z", "pending", "in_person"),
        (a, "2026-11-16T08:00:00Z", "confirmed", "in_person"),
        (b, "2026-11-03T13:00:00Z", "completed", "in_person"),
    ];
    let rows: Vec<String> = appointments
        .iter()
        .map(|(doctor, start, status, kind)| {
            let s = ms(start);
            format!(
                "({p}, {doctor}, {s}, {}, '{kind}', '{status}', {now}, {now})",
                s + 1_800_000
            )
        })
        .collect();
    exec(app, format!(
        "INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, consultation_type, status, created_at, updated_at) VALUES {}",
        rows.join(", ")
    ))
    .await;
    // (patient, level, raised, seconds to acknowledgement).
    let alerts = [
        (p, "critical", "2026-11-03T10:00:00Z", Some(60)),
        (p, "critical", "2026-11-04T10:00:00Z", Some(120)),
        (p, "critical", "2026-11-05T10:00:00Z", Some(600)),
        (p, "warning", "2026-11-06T10:00:00Z", None),
        (q, "warning", "2026-11-07T10:00:00Z", Some(30)),
        (q, "critical", "2026-11-20T10:00:00Z", Some(5)),
    ];
    for (i, (patient, level, raised, ack)) in alerts.iter().enumerate() {
        let r = ms(raised);
        let acked = ack.map_or("NULL".to_owned(), |s| (r + s * 1000).to_string());
        exec(app, format!(
            "INSERT INTO vital_alerts (patient_id, condition, level, title, message, count, raised_at, updated_at, cleared_at, acknowledged_at) \
             VALUES ({patient}, 'c{i}', '{level}', 't', 'm', 1, {r}, {r}, {r}, {acked})"
        ))
        .await;
    }
    let messages = [
        ("sms", "delivered"),
        ("sms", "delivered"),
        ("sms", "delivered"),
        ("sms", "failed"),
        ("email", "sent"),
        ("email", "sent"),
        ("whatsapp", "queued"),
    ];
    let at = ms("2026-11-05T12:00:00Z");
    for (i, (channel, status)) in messages.iter().enumerate() {
        exec(app, format!(
            "INSERT INTO outbound_messages (user_id, channel, kind, data, urgent, status, idempotency_key, send_after, created_at, updated_at) \
             VALUES ({p}, '{channel}', 'reminder', '{{}}', 0, '{status}', 'k{i}', {at}, {at}, {at})"
        ))
        .await;
    }
    (a, b, p)
}

const PERIOD: &str = "?from=2026-11-02&to=2026-11-15";

fn level_of(s: &Value, l: &str) -> Value {
    s["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["level"] == l)
        .cloned()
        .unwrap_or(Value::Null)
}
