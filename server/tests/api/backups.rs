//! `medplat backup` and `medplat restore` (the real binary): a backup taken
//! while the platform stores vital signs as fast as it can restores, into a
//! new directory, to exactly the backup's rows, and a server started on it
//! signs its users in; a restore never overwrites a database unless told.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use domain::store::backup::inspect;
use serde_json::json;

use crate::common::iot::{register, ward};
use crate::common::{PASSWORD, access_token, free_port, spawn_app, start_binary, wait_ready};

fn medplat(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_medplat"))
        .args(args)
        .env("DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test]
async fn a_backup_under_write_load_restores_to_the_same_rows() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (_, device) = register(&app, &w, "AA:BB:CC:00:00:42").await;

    // Readings stored back to back while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let stored = Arc::new(AtomicU64::new(0));
    let writer = {
        let (client, url) = (app.client.clone(), app.url("/api/iot/data/"));
        let (stop, stored) = (stop.clone(), stored.clone());
        tokio::spawn(async move {
            let mut spo2 = 90;
            while !stop.load(Ordering::Relaxed) {
                spo2 = if spo2 >= 99 { 90 } else { spo2 + 1 };
                let sent = client
                    .post(&url)
                    .bearer_auth(&device)
                    .json(&json!({"data": {"spo2": spo2, "heart_rate": 70}}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(sent.status(), 201);
                stored.fetch_add(2, Ordering::Relaxed);
            }
        })
    };
    while stored.load(Ordering::Relaxed) < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let file = app.data_dir.join("backup.db");
    let dir = app.data_dir.clone();
    let path = file.to_str().unwrap().to_owned();
    let out = tokio::task::spawn_blocking(move || medplat(&dir, &["backup", "--to", &path]))
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("Backup written to"), "{report}");
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();

    let saved = inspect(&file).await.unwrap();
    let readings = |counts: &[(String, i64)]| {
        counts
            .iter()
            .find(|(t, _)| t == "readings")
            .map(|(_, n)| *n)
            .unwrap()
    };
    let in_backup = readings(&saved);
    assert!(in_backup >= 200, "the readings stored before: {in_backup}");
    let written = stored.load(Ordering::Relaxed) as i64;
    assert!(in_backup <= written, "{in_backup} of {written}");
    assert_eq!(in_backup % 2, 0, "one instant: no request half in the copy");
    assert!(
        report.contains("readings") && report.contains(&format!(" {in_backup}")),
        "{report}"
    );

    // A backup never overwrites.
    let again = medplat(&app.data_dir, &["backup", "--to", file.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));

    // Restored into a new directory: the same rows, table by table.
    let fresh = app.data_dir.join("restored");
    let out = medplat(&fresh, &["restore", "--from", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = inspect(&fresh.join("medplat.db")).await.unwrap();
    assert_eq!(restored, saved);
    let twice = medplat(&fresh, &["restore", "--from", file.to_str().unwrap()]);
    assert!(!twice.status.success(), "a database is there");
    assert!(String::from_utf8_lossy(&twice.stderr).contains("--replace"));
    let garbage = app.data_dir.join("garbage.db");
    std::fs::write(&garbage, b"not a database at all").unwrap();
    let refused = medplat(
        &fresh,
        &["restore", "--replace", "--from", garbage.to_str().unwrap()],
    );
    assert!(!refused.status.success());
    assert_eq!(
        inspect(&fresh.join("medplat.db")).await.unwrap(),
        saved,
        "left as it was"
    );

    // The restored platform serves its users.
    let port = free_port();
    let mut server = start_binary(&fresh, port, &[("DEMO_DATA", "false")]);
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(&app.client, &base).await;
    let token = access_token(&app.client, &base, "lea", PASSWORD).await;
    let page: serde_json::Value = app
        .client
        .get(format!("{base}/api/iot/donnees/?per_page=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(
        page["count"], in_backup,
        "the patient reads the backup's readings"
    );
}

#[test]
fn postgresql_backups_are_pg_dump_s() {
    let dir = std::env::temp_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_medplat"))
        .args(["backup", "--to", "/tmp/never.db"])
        .env("DATA_DIR", &dir)
        .env(
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/postgres",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}
