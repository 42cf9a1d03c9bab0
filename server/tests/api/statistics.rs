//! Statistics against hand counts: a fortnight of two doctors' appointments,
//! time off, alerts and outside messages written with known instants, read
//! by the administrator (whole platform, one specialty, one doctor) and by a
//! doctor (their own), days and hours in the reader's zone; the assistant's
//! answers counted by kind; every bad filter refused; CSV per table.

use serde_json::Value;
use sqlx::AssertSqlSafe;

use crate::common::{TestApp, parts, spawn_app};
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

#[tokio::test]
async fn statistics_match_hand_counts_in_the_readers_zone() {
    hand_counts(&spawn_app().await).await;
}

#[tokio::test]
async fn statistics_match_hand_counts_on_postgres() {
    let database = crate::common::fresh_postgres_url().await;
    let app = crate::common::spawn_with(&[("DATABASE_URL", database.as_str())]).await;
    hand_counts(&app).await;
    crate::common::drop_postgres(&database).await;
}

async fn hand_counts(app: &TestApp) {
    let (a, b, _) = fortnight(app).await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "chef").await;

    let (status, s) = stats(&app, &admin, &format!("{PERIOD}&tz=Europe%2FParis")).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(
        (s["first"].as_str(), s["last"].as_str()),
        (Some("2026-11-02"), Some("2026-11-15"))
    );
    assert_eq!(s["weekly"], false);
    assert_eq!(s["appointments"].as_array().unwrap().len(), 14);
    let by = &s["by_status"];
    assert_eq!(
        [
            "completed",
            "confirmed",
            "pending",
            "no_show",
            "cancelled",
            "refused"
        ]
        .map(|c| count(by, c)),
        [3, 1, 1, 1, 1, 0]
    );
    assert_eq!(s["no_show_rate"].as_f64(), Some(0.25));
    assert!((s["cancellation_rate"].as_f64().unwrap() - 1.0 / 7.0).abs() < 1e-9);
    assert_eq!(
        (
            count(&s["by_kind"], "in_person"),
            count(&s["by_kind"], "remote")
        ),
        (5, 1)
    );
    // Days and hours in Paris: the 00:30 appointment is on Tuesday 10.
    assert_eq!(day_total(&s, "2026-11-02"), 3);
    assert_eq!(day_total(&s, "2026-11-09"), 2);
    assert_eq!(day_total(&s, "2026-11-10"), 1);
    let busiest = |d: usize, h: usize| s["busiest"][d][h].as_i64().unwrap();
    assert_eq!(
        (busiest(0, 9), busiest(0, 10), busiest(1, 0), busiest(1, 14)),
        (2, 2, 1, 1)
    );
    assert_eq!(
        s["busiest"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap())
            .map(|v| v.as_i64().unwrap())
            .sum::<i64>(),
        6
    );
    // Monday mornings: 6 places twice, less the hour of time off.
    let doctor = |id: i64| {
        s["doctors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["doctor_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (doctor(a)["offered"].as_i64(), doctor(a)["booked"].as_i64()),
        (Some(10), Some(5))
    );
    assert_eq!(
        (doctor(b)["offered"].as_i64(), doctor(b)["booked"].as_i64()),
        (Some(0), Some(1))
    );
    let cardiology = s["specialties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["specialty"] == "cardiology")
        .unwrap();
    assert_eq!(
        (
            cardiology["offered"].as_i64(),
            cardiology["booked"].as_i64()
        ),
        (Some(10), Some(5))
    );
    // The first free slot from now: a Monday morning for cardiology, none
    // for a specialty whose doctor has no hours.
    let lead = |code: &str| {
        s["lead_times"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["specialty"] == code)
            .unwrap()
            .clone()
    };
    let first =
        jiff::Timestamp::from_millisecond(lead("cardiology")["first_free"].as_i64().unwrap())
            .unwrap();
    let local = first.to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap());
    assert_eq!(
        (local.weekday(), local.hour() >= 9, local.hour() < 12),
        (jiff::civil::Weekday::Monday, true, true)
    );
    assert!(lead("dermatology")["first_free"].is_null());
    // Alerts: median and 90th percentile by nearest rank; the 20th is out.
    let level = |l: &str| {
        s["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["level"] == l)
            .unwrap()
            .clone()
    };
    let critical = level("critical");
    assert_eq!(
        [
            &critical["raised"],
            &critical["acknowledged"],
            &critical["median_seconds"],
            &critical["p90_seconds"]
        ]
        .map(|v| v.as_i64()),
        [Some(3), Some(3), Some(120), Some(600)]
    );
    let warning = level("warning");
    assert_eq!(
        [
            &warning["raised"],
            &warning["acknowledged"],
            &warning["median_seconds"]
        ]
        .map(|v| v.as_i64()),
        [Some(2), Some(1), Some(30)]
    );
    // Messages by channel.
    let sms = s["delivery"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["channel"] == "sms")
        .unwrap();
    assert_eq!(
        (
            count(&sms["by_status"], "delivered"),
            count(&sms["by_status"], "failed")
        ),
        (3, 1)
    );
    assert_eq!(s["delivery"].as_array().unwrap().len(), 3);

    // The same fortnight in UTC: the 00:30 appointment moves to Monday 9.
    let (_, utc) = stats(&app, &admin, &format!("{PERIOD}&tz=UTC")).await;
    assert_eq!(
        (day_total(&utc, "2026-11-09"), day_total(&utc, "2026-11-10")),
        (3, 0)
    );
    assert_eq!(utc["busiest"][0][23].as_i64(), Some(1));

    // Kolkata is UTC+5:30: hours are no longer whole UTC hours shifted, so
    // each start is shifted in SQL. 09:00 UTC is 14:30 there, 23:30 UTC on
    // the 9th is 05:00 on Tuesday 10, and 08:00 UTC on the 16th is outside.
    let (_, kolkata) = stats(&app, &admin, &format!("{PERIOD}&tz=Asia%2FKolkata")).await;
    assert_eq!(
        (
            day_total(&kolkata, "2026-11-09"),
            day_total(&kolkata, "2026-11-10")
        ),
        (2, 1)
    );
    let cell = |weekday: usize, hour: usize| kolkata["busiest"][weekday][hour].as_i64();
    assert_eq!(
        (
            cell(0, 13),
            cell(0, 14),
            cell(0, 15),
            cell(1, 5),
            cell(1, 18)
        ),
        (Some(1), Some(2), Some(1), Some(1), Some(1))
    );

    // One specialty, one doctor.
    let (_, cardio) = stats(&app, &admin, &format!("{PERIOD}&specialty=cardiology")).await;
    assert_eq!(
        cardio["by_status"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_i64().unwrap())
            .sum::<i64>(),
        6
    );
    assert_eq!(cardio["doctors"].as_array().unwrap().len(), 1);
    assert_eq!(
        level_of(&cardio, "warning")["raised"].as_i64(),
        Some(1),
        "only the cardiologist's patient"
    );
    let (_, derma) = stats(&app, &admin, &format!("{PERIOD}&doctor_id={b}")).await;
    assert_eq!(count(&derma["by_status"], "completed"), 1);
    assert_eq!(derma["alerts"].as_array().unwrap().len(), 0);

    // A long period is drawn per week, from Mondays.
    let (_, long) = stats(&app, &admin, "?from=2026-09-01&to=2026-11-30").await;
    assert_eq!(long["weekly"], true);
    assert!(long["appointments"].as_array().unwrap().iter().all(|p| {
        p["day"]
            .as_str()
            .unwrap()
            .parse::<jiff::civil::Date>()
            .unwrap()
            .weekday()
            == jiff::civil::Weekday::Monday
    }));
    assert_eq!(
        day_total(&long, "2026-11-09"),
        3,
        "the week of Monday 9 in Paris"
    );
    assert_eq!(day_total(&long, "2026-11-16"), 1);
}

fn level_of(s: &Value, l: &str) -> Value {
    s["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["level"] == l)
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn doctors_read_their_own_and_patients_nothing() {
    let app = spawn_app().await;
    let (a, b, _) = fortnight(&app).await;
    let (doctor, _) = app.login("dr.cardio").await;
    let (patient, _) = app.login("pat").await;

    let (status, own) = stats(&app, &doctor, PERIOD).await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["doctor_id"].as_i64(), Some(a));
    assert_eq!(
        own["by_status"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_i64().unwrap())
            .sum::<i64>(),
        6
    );
    assert!(own["assistant"].is_null() && own["delivery"].is_null());
    assert_eq!(level_of(&own, "warning")["raised"].as_i64(), Some(1));
    let (status, _) = stats(&app, &doctor, &format!("{PERIOD}&doctor_id={b}")).await;
    assert_eq!(status, 403, "another doctor's figures");
    let refused = app
        .get_auth(&format!("/api/v1/stats/delivery.csv{PERIOD}"), &doctor)
        .await;
    assert_eq!(refused.status(), 403);
    for path in [
        format!("/api/v1/stats/{PERIOD}"),
        format!("/api/v1/stats/appointments.csv{PERIOD}"),
    ] {
        assert_eq!(app.get_auth(&path, &patient).await.status(), 403, "{path}");
    }
    let anonymous = app
        .client
        .get(app.url("/api/v1/stats/"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn bad_filters_are_refused_by_name_and_tables_download_as_csv() {
    let app = spawn_app().await;
    let (a, _, _) = fortnight(&app).await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "chef").await;
    for (query, field) in [
        ("?from=2026-11-15&to=2026-11-02", "to"),
        ("?from=2025-01-01&to=2026-11-02", "to"),
        ("?from=2026-13-01", "from"),
        ("?tz=Mars%2FOlympus", "tz"),
        ("?specialty=astrology", "specialty"),
        ("?doctor_id=0", "doctor_id"),
        ("?doctor_id=999999", "doctor_id"),
        ("?from=", "from"),
    ] {
        let (status, body) = stats(&app, &admin, query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["field"], field, "{query}: {body}");
    }
    let patient_as_doctor = app.create_user(Role::Patient, "not.a.doctor").await;
    let (status, _) = stats(&app, &admin, &format!("?doctor_id={patient_as_doctor}")).await;
    assert_eq!(status, 400);

    let response = app
        .get_auth(
            &format!("/api/v1/stats/appointments.csv{PERIOD}&tz=Europe%2FParis"),
            &admin,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("stats-appointments-2026-11-02-2026-11-15.csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "day,completed,confirmed,pending,no_show,cancelled,refused,total"
    );
    assert_eq!(lines.len(), 15);
    assert!(lines.contains(&"2026-11-02,1,0,0,1,1,0,3"), "{csv}");
    assert!(lines.contains(&"2026-11-10,0,0,1,0,0,0,1"), "{csv}");
    let doctors = app
        .get_auth(&format!("/api/v1/stats/doctors.csv{PERIOD}"), &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        doctors
            .lines()
            .any(|l| l.starts_with(&format!("{a},Test dr.cardio,cardiology,10,5,0.5000"))),
        "{doctors}"
    );
    let alerts = app
        .get_auth(&format!("/api/v1/stats/alerts.csv{PERIOD}"), &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(alerts.contains("critical,3,3,120,600"), "{alerts}");
    for bad in ["nothing.csv", "appointments.json", "appointments"] {
        let response = app.get_auth(&format!("/api/v1/stats/{bad}"), &admin).await;
        assert_eq!(response.status(), 404, "{bad}");
    }
}

#[tokio::test]
async fn the_assistant_counts_answers_by_kind_and_keeps_no_question() {
    let app = spawn_app().await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "chef").await;
    let assistant = &app.state.services.assistant;
    let mut intents = Vec::new();
    for question in [
        "Comment prendre rendez-vous ?",
        "J'ai une douleur thoracique très forte et je n'arrive plus à respirer",
        "Quelle est la capitale de l'Australie ?",
        "zzzz",
    ] {
        intents.push(assistant.reply(None, question, true).await.unwrap().intent);
    }
    let unknown = intents.iter().filter(|i| *i == "unknown").count() as i64;
    let (status, s) = stats(&app, &admin, "").await;
    assert_eq!(status, 200, "{s}");
    let a = &s["assistant"];
    assert_eq!(
        (a["answers"].as_i64(), a["emergencies"].as_i64()),
        (Some(4), Some(1)),
        "{a} {intents:?}"
    );
    assert_eq!(
        a["not_understood"].as_i64(),
        Some(unknown),
        "{a} {intents:?}"
    );
    assert_eq!(
        a["understood"].as_i64(),
        Some(3 - unknown),
        "{a} {intents:?}"
    );
    let kept: Vec<(i64, String, String, i64)> =
        sqlx::query_as("SELECT hour, outcome, lang, count FROM assistant_usage")
            .fetch_all(app.state.services.db().pool())
            .await
            .unwrap();
    assert!(kept.iter().all(|(hour, ..)| hour % 3_600_000 == 0));
    assert_eq!(kept.iter().map(|r| r.3).sum::<i64>(), 4);
}
