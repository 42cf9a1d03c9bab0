//! No acknowledged reading is lost: the real binary takes readings from
//! several devices at once, is killed with SIGKILL in the middle, and every
//! reading it had acknowledged is in the database when it starts again.

use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{access_token, free_port, start_binary, wait_ready};

fn start(data_dir: &std::path::Path, port: u16) -> Child {
    start_binary(data_dir, port, &[])
}

#[tokio::test]
async fn readings_acknowledged_before_a_sigkill_survive_it() {
    let data_dir = std::env::temp_dir().join(format!("medplat-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = domain::http::client();
    let mut server = start(&data_dir, port);
    wait_ready(&client, &base).await;

    let admin = access_token(&client, &base, "admin", "gestion-2026!").await;
    let users: Value = client
        .get(format!("{base}/api/v1/users/?role=patient"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let patients: Vec<i64> = users
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["id"].as_i64())
        .collect();
    let before: i64 = count(&data_dir).await;

    // Eight devices send batches of 50 values as fast as acknowledgements come.
    let acked = Arc::new(AtomicU64::new(0));
    let mut senders = Vec::new();
    for n in 0..8u8 {
        let body = json!({"nom": format!("Capteur {n}"), "type_dispositif": "capteur_oxygene",
                          "adresse_mac": format!("02:00:00:00:00:{n:02X}"), "patient": patients[usize::from(n) % patients.len()]});
        let created: Value = client
            .post(format!("{base}/api/iot/dispositifs/"))
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let device = created["token"].as_str().unwrap().to_owned();
        let (client, base, acked) = (client.clone(), base.clone(), acked.clone());
        senders.push(tokio::spawn(async move {
            let batch: Vec<Value> = (0..50)
                .map(|i| json!({"data": {"spo2": 95 + i % 4}}))
                .collect();
            loop {
                match client
                    .post(format!("{base}/api/iot/data/"))
                    .bearer_auth(&device)
                    .json(&batch)
                    .send()
                    .await
                {
                    Ok(response) if response.status().as_u16() == 201 => {
                        acked.fetch_add(50, Ordering::SeqCst);
                    }
                    _ => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // SIGKILL: no shutdown, no flush.
    server.kill().unwrap();
    server.wait().unwrap();
    for sender in senders {
        let _ = sender.await;
    }
    let acknowledged = acked.load(Ordering::SeqCst);
    assert!(acknowledged > 0, "nothing was sent before the kill");

    let mut again = start(&data_dir, port);
    wait_ready(&client, &base).await;
    let stored = count(&data_dir).await - before;
    again.kill().unwrap();
    again.wait().unwrap();
    let _ = std::fs::remove_dir_all(&data_dir);
    eprintln!(
        "{acknowledged} readings acknowledged before SIGKILL, {stored} stored after the restart"
    );
    assert!(
        u64::try_from(stored).unwrap() >= acknowledged,
        "{acknowledged} readings acknowledged, {stored} stored after the restart"
    );
}

async fn count(data_dir: &std::path::Path) -> i64 {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", data_dir.join("medplat.db").display());
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM readings")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}
