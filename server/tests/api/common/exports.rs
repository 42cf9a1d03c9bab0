//! The research exports' test data and helpers: patients in groups of
//! quasi-identifiers, a job run to its end, a download, and the file read
//! back by the researchers' tools (`scripts/test-python/read_export.py`).

use std::process::Command;
use std::time::{Duration, Instant};

use domain::accounts::Role;
use domain::services::jobs::{Worker, WorkerSettings};
use jiff::Timestamp;
use serde_json::{Value, json};

use super::medical::{Actor, actor, get};
use super::{TestApp, twilio};

/// A patient of the test data.
pub struct Person {
    pub id: i64,
    pub first: String,
    pub last: String,
    pub email: String,
    pub phone: String,
    pub birth: &'static str,
    pub sex: &'static str,
    pub postcode: &'static str,
}

/// Patients in four groups of quasi-identifiers: 12 women born 1990 in
/// Paris (75), 6 men born 1960 in Lyon (69), 3 women born 2001 in
/// Marseille (13) — fewer than 5 — and one patient with no medical profile.
/// Each has two appointments in January 2026 whose reasons name them.
pub struct World {
    pub admin: Actor,
    pub doctor: Actor,
    pub patient: Actor,
    pub people: Vec<Person>,
    pub bare: i64,
}

pub async fn world(app: &TestApp) -> World {
    let admin = actor(app, Role::Admin, "exports_admin").await;
    let doctor = actor(app, Role::Doctor, "exports_doctor").await;
    let patient = actor(app, Role::Patient, "exports_patient").await;
    let pool = app.state.services.db().pool();
    sqlx::query(
        "UPDATE doctor_profiles SET specialty_id = (SELECT id FROM specialties WHERE code = 'cardiology') \
         WHERE user_id = $1",
    )
    .bind(doctor.id)
    .execute(pool)
    .await
    .unwrap();
    let groups: [(usize, &str, &str, &str); 3] = [
        (12, "1990-03-14", "female", "75011"),
        (6, "1960-07-02", "male", "69003"),
        (3, "2001-11-30", "female", "13001"),
    ];
    let mut people = Vec::new();
    let now = Timestamp::now().as_millisecond();
    for (group, (n, birth, sex, postcode)) in groups.iter().enumerate() {
        for i in 0..*n {
            let first = format!("Prenom{}", letters(group * 100 + i));
            let last = format!("Nomfamille{}", letters(group * 100 + i));
            let email = format!("personne{group}.{i}@exemple.fr");
            let phone = format!("+336120{group}{i:04}");
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (username, email, password_hash, first_name, last_name, role, created_at) \
                 VALUES ($1, $2, 'x', $3, $4, 'patient', $5) RETURNING id",
            )
            .bind(format!("p{group}_{i}"))
            .bind(&email)
            .bind(&first)
            .bind(&last)
            .bind(now)
            .fetch_one(pool)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO medical_profiles (patient_id, date_of_birth, sex, mobile_phone, postal_code, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(*birth)
            .bind(*sex)
            .bind(&phone)
            .bind(*postcode)
            .bind(now)
            .execute(pool)
            .await
            .unwrap();
            people.push(Person {
                id,
                first,
                last,
                email,
                phone,
                birth,
                sex,
                postcode,
            });
        }
    }
    let bare: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, email, password_hash, first_name, last_name, role, created_at) \
         VALUES ('bare', 'bare@exemple.fr', 'x', 'Sansdossier', 'Inconnu', 'patient', $1) RETURNING id",
    )
    .bind(now)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut everyone: Vec<(i64, String)> = people
        .iter()
        .map(|p| (p.id, format!("{} {}", p.first, p.last)))
        .collect();
    everyone.push((bare, "Sansdossier Inconnu".into()));
    for (k, (id, name)) in everyone.iter().enumerate() {
        for (j, day) in [(0, 8), (1, 22)] {
            let start: Timestamp = format!("2026-01-{day:02}T{:02}:00:00Z", 8 + (k % 8))
                .parse()
                .unwrap();
            let status = if j == 0 { "completed" } else { "cancelled" };
            sqlx::query(
                "INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, consultation_type, \
                   status, reason, created_at, updated_at) VALUES ($1, $2, $3, $4, 'in_person', $5, $6, $7, $7)",
            )
            .bind(id)
            .bind(doctor.id)
            .bind(start.as_millisecond())
            .bind(start.as_millisecond() + 30 * 60_000)
            .bind(status)
            .bind(format!(
                "Contrôle pour {name}, rappeler au 06 12 34 56 78 ou {name_mail}",
                name_mail = "contact@famille.fr"
            ))
            .bind(start.as_millisecond() - 3 * 86_400_000)
            .execute(pool)
            .await
            .unwrap();
        }
    }
    World {
        admin,
        doctor,
        patient,
        people,
        bare,
    }
}

/// `n` written in letters (`0` → `a`, `12` → `bc`): names have no digits.
pub fn letters(n: usize) -> String {
    n.to_string()
        .bytes()
        .map(|d| char::from(b'a' + (d - b'0')))
        .collect()
}

pub fn request(format: &str) -> Value {
    json!({
        "dataset": "appointments",
        "export_format": format,
        "date_start": "2026-01-01",
        "date_end": "2026-01-31",
        "include_free_text": true,
    })
}

/// Runs the job worker until export `id` is over; its final state.
pub async fn finished(app: &TestApp, admin: &Actor, id: i64) -> Value {
    let worker = Worker::new(app.state.services.clone(), WorkerSettings::default());
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        worker.pass(Timestamp::now()).await.unwrap();
        let job = get(app, admin, &format!("/api/v1/exports/{id}/"))
            .await
            .body;
        if !matches!(job["status"].as_str(), Some("pending" | "running")) {
            return job;
        }
        assert!(Instant::now() < until, "export {id} never finished: {job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Downloads export `id` into a file; its path.
pub async fn download(app: &TestApp, admin: &Actor, id: i64, ext: &str) -> std::path::PathBuf {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/exports/{id}/download/")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
    );
    let bytes = response.bytes().await.unwrap();
    let path = app.data_dir.join(format!("download-{id}.{ext}"));
    std::fs::write(&path, &bytes).unwrap();
    path
}

/// What the researchers' tool reads in the file.
pub fn read_back(format: &str, path: &std::path::Path) -> Value {
    let script = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scripts/test-python/read_export.py");
    let output = Command::new(twilio::python())
        .arg(script)
        .arg(format)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

pub fn column(read: &Value, name: &str) -> usize {
    read["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", read["columns"]))
}

pub fn cell(read: &Value, row: &Value, name: &str) -> String {
    match &row[column(read, name)] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
