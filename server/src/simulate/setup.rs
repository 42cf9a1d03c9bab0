//! Before sending: the patients devices are attached to, and the devices
//! registered for them, each with its own credential.

use std::sync::Arc;

use anyhow::{Context, bail};
use serde_json::{Value, json};

pub(crate) struct Device {
    pub(crate) id: i64,
    pub(crate) patient: i64,
    pub(crate) mac: String,
    pub(crate) token: String,
}

/// GETs `path` as the signed-in account.
async fn get_json(
    http: &reqwest::Client,
    base: &str,
    access: &str,
    path: &str,
) -> anyhow::Result<Value> {
    Ok(http
        .get(format!("{base}{path}"))
        .bearer_auth(access)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// The patients devices are attached to: a doctor's own, or every active
/// patient for an administrator.
pub(crate) async fn patients_of(
    http: &reqwest::Client,
    base: &str,
    access: &str,
) -> anyhow::Result<Vec<i64>> {
    let me = get_json(http, base, access, "/api/v1/auth/me/").await?;
    let (path, active, id) = if me["role"] == "doctor" {
        ("/api/v1/care-relationships/", None, "patient_id")
    } else {
        (
            "/api/v1/users/?role=patient&limit=200",
            Some("is_active"),
            "id",
        )
    };
    let list = get_json(http, base, access, path).await?;
    Ok(list
        .as_array()
        .map(|l| {
            l.iter()
                .filter(|row| active.is_none_or(|flag| row[flag] != false))
                .filter_map(|row| row[id].as_i64())
                .collect()
        })
        .unwrap_or_default())
}

/// Registers `count` devices spread over `patients`, sixteen at a time.
pub(crate) async fn register(
    http: &reqwest::Client,
    base: &str,
    access: &str,
    patients: &[i64],
    count: usize,
) -> anyhow::Result<Vec<Device>> {
    let mut random = [0u8; 2];
    getrandom::fill(&mut random).map_err(|e| anyhow::anyhow!("{e}"))?;
    let limit = Arc::new(tokio::sync::Semaphore::new(16));
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..count {
        let patient = patients[index % patients.len()];
        // A locally administered address: 02:xx:xx plus the device's number.
        let mac = format!(
            "02:{:02X}:{:02X}:{:02X}:{:02X}:{:02X}",
            random[0],
            random[1],
            (index >> 16) & 0xff,
            (index >> 8) & 0xff,
            index & 0xff
        );
        let (http, base, access, limit) = (
            http.clone(),
            base.to_owned(),
            access.to_owned(),
            Arc::clone(&limit),
        );
        tasks.spawn(async move {
            let _slot = limit.acquire().await;
            let form = json!({"nom": format!("Simulateur {}", index + 1), "type_dispositif": "capteur_oxygene",
                "adresse_mac": mac, "patient": patient, "version_firmware": "sim-1.0"});
            let response = http
                .post(format!("{base}/api/iot/dispositifs/"))
                .bearer_auth(&access)
                .json(&form)
                .send()
                .await?;
            let status = response.status();
            let body: Value = response.json().await.unwrap_or_default();
            if !status.is_success() {
                bail!("registering a device for patient {patient}: HTTP {status} {body}");
            }
            Ok(Device {
                id: body["dispositif"]["id"].as_i64().context("no device id")?,
                patient,
                mac,
                token: body["token"].as_str().context("no token")?.to_owned(),
            })
        });
    }
    let mut devices = Vec::with_capacity(count);
    while let Some(done) = tasks.join_next().await {
        devices.push(done??);
        if devices.len() % 50 == 0 || devices.len() == count {
            eprint!("\rregistering devices… {}/{count}", devices.len());
        }
    }
    eprintln!();
    devices.sort_by_key(|d| d.id);
    Ok(devices)
}
