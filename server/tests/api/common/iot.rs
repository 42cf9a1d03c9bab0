//! Helpers for the vitals tests: a small ward (a patient, their doctor, a
//! doctor outside the care team, another patient, an administrator),
//! devices, ingest, and socket clients.

use std::time::Duration;

use domain::accounts::Role;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::{TestApp, parts};

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A patient, a doctor in their care, a doctor outside it, another patient
/// and an administrator.
pub struct Ward {
    pub patient: (i64, String),
    pub doctor: (i64, String),
    pub stranger: (i64, String),
    pub other: (i64, String),
    pub admin: (i64, String),
}

pub async fn ward(app: &TestApp) -> Ward {
    let (patient, patient_token, _) = app.user_with_tokens(Role::Patient, "lea").await;
    let (doctor, doctor_token, _) = app.user_with_tokens(Role::Doctor, "dr.roux").await;
    let (stranger, stranger_token, _) = app.user_with_tokens(Role::Doctor, "dr.autre").await;
    let (other, other_token, _) = app.user_with_tokens(Role::Patient, "hugo").await;
    let (admin, admin_token, _) = app.user_with_tokens(Role::Admin, "chef").await;
    let (status, body) = parts(
        app.post_auth(
            "/api/v1/care-relationships/",
            &admin_token,
            json!({"doctor_id": doctor, "patient_id": patient}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    Ward {
        patient: (patient, patient_token),
        doctor: (doctor, doctor_token),
        stranger: (stranger, stranger_token),
        other: (other, other_token),
        admin: (admin, admin_token),
    }
}

pub fn device_form(patient: i64, mac: &str) -> Value {
    json!({"nom": "Oxymètre chambre 12", "type_dispositif": "capteur_oxygene",
           "adresse_mac": mac, "adresse_ip": "192.168.1.40", "patient": patient})
}

/// Registers a device as the doctor; (device id, credential).
pub async fn register(app: &TestApp, w: &Ward, mac: &str) -> (i64, String) {
    let (status, body) = parts(
        app.post_auth(
            "/api/iot/dispositifs/",
            &w.doctor.1,
            device_form(w.patient.0, mac),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    (
        body["dispositif"]["id"].as_i64().unwrap(),
        body["token"].as_str().unwrap().to_owned(),
    )
}

pub async fn ingest(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    parts(app.post_auth("/api/iot/data/", token, body).await).await
}

pub async fn reading_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM readings")
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap()
}

pub async fn connect(app: &TestApp, patient: i64, token: &str) -> Result<Socket, u16> {
    connect_to(app, &format!("/ws/iot/{patient}/"), token).await
}

/// Opens the socket at `path` with `?token=`; the HTTP status if refused.
pub async fn connect_to(app: &TestApp, path: &str, token: &str) -> Result<Socket, u16> {
    let url = format!(
        "{}{path}?token={token}",
        app.base.replace("http://", "ws://")
    );
    match tokio_tungstenite::connect_async(url).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(err) => panic!("{err}"),
    }
}

/// The next JSON text message (pings skipped); `None` once closed.
pub async fn next_json(socket: &mut Socket) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")?;
        match message {
            Ok(Message::Text(text)) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

pub async fn send(socket: &mut Socket, text: &str) {
    socket.send(Message::Text(text.into())).await.unwrap();
}
