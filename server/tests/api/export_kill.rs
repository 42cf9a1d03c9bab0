//! A research export whose server is killed (SIGKILL) in the middle of
//! writing: after a restart the job is taken again once its lease runs out,
//! written from the first row, and completed with every row once; no part
//! file is left behind and the job is never left `running`.

use std::process::Child;
use std::time::{Duration, Instant};

use crate::common;

use common::{access_token, start_binary, wait_ready};
use serde_json::{Value, json};

fn start(data_dir: &std::path::Path, port: u16) -> Child {
    start_binary(
        data_dir,
        port,
        &[
            ("JOBS_LEASE", "2s"),
            ("JOBS_RETRY_AFTER", "200ms"),
            ("JOBS_POLL", "100ms"),
        ],
    )
}

async fn job(client: &reqwest::Client, base: &str, token: &str, id: i64) -> Value {
    client
        .get(format!("{base}/api/v1/exports/{id}/"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_killed_midway_is_written_again_after_a_restart() {
    let data_dir = std::env::temp_dir().join(format!("medplat-export-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let port = common::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = domain::http::client();
    // A first start creates the database with the demo.
    let mut server = start(&data_dir, port);
    wait_ready(&client, &base).await;
    server.kill().unwrap();
    server.wait().unwrap();

    // January 2026: 43,000 minutes of heart rate for every demo patient.
    let db = domain::store::Db::connect(
        &format!("sqlite://{}", data_dir.join("medplat.db").display()),
        1,
    )
    .await
    .unwrap();
    let january: i64 = "2026-01-01T00:00:00+01:00"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_millisecond();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 42999) \
         INSERT INTO reading_minutes (patient_id, vital, minute, min_value, max_value, sum_value, count) \
         SELECT u.id, 1, $1 + n.i * 60000, 60, 66, 250, 4 FROM n CROSS JOIN users u WHERE u.role = 'patient'",
    )
    .bind(january)
    .execute(db.pool())
    .await
    .unwrap();
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reading_minutes WHERE minute >= $1 AND minute < $2",
    )
    .bind(january)
    .bind(january + 31 * 86_400_000)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert!(total >= 200_000, "{total}");
    db.close().await;

    let mut server = start(&data_dir, port);
    wait_ready(&client, &base).await;
    let token = access_token(&client, &base, "admin", "gestion-2026!").await;
    let created: Value = client
        .post(format!("{base}/api/v1/exports/"))
        .bearer_auth(&token)
        .json(&json!({
            "dataset": "vitals",
            "export_format": "csv",
            "date_start": "2026-01-01",
            "date_end": "2026-01-31",
            "k_anonymity": 1,
            "max_records": 1_000_000,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{created}"));

    // Killed once it has written some rows and not all.
    let until = Instant::now() + Duration::from_secs(60);
    let midway = loop {
        let now = job(&client, &base, &token, id).await;
        let done = now["rows_done"].as_i64().unwrap_or(0);
        if now["status"] == "running" && done > 0 {
            break now;
        }
        assert!(
            now["status"] != "completed",
            "finished before the kill: {now}"
        );
        assert!(Instant::now() < until, "never running: {now}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(midway["rows_done"].as_i64().unwrap() < total, "{midway}");
    let dir = data_dir.join("exports");
    assert!(
        std::fs::read_dir(&dir).unwrap().any(|f| f
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".part")),
        "a part file was being written"
    );

    // Restarted: taken again after the lease and completed, every row once.
    let mut server = start(&data_dir, port);
    wait_ready(&client, &base).await;
    let until = Instant::now() + Duration::from_secs(120);
    let done = loop {
        let now = job(&client, &base, &token, id).await;
        if !matches!(now["status"].as_str(), Some("pending" | "running")) {
            break now;
        }
        assert!(Instant::now() < until, "never finished: {now}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["records_count"], total, "{done}");
    assert_eq!(done["rows_estimated"], total, "{done}");
    let file = client
        .get(format!("{base}/api/v1/exports/{id}/download/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        file.lines().count() as i64,
        total + 1,
        "a header and each row once"
    );
    let parts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".part"))
        .collect();
    assert!(parts.is_empty(), "{parts:?}");
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&data_dir);
}
