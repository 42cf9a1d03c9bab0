//! `ws/iot/<patient_id>/`: a patient's live vitals (seeds 001 and 004).
//!
//! In: `sensor_data` (seed 001's ESP32) and `iot_data` (seed 004) from the
//! patient's own devices — acknowledged with `{"type": "ack", "seq": n}` once
//! durable when the device sent a `seq` —, and `get_latest` from anyone
//! allowed. Out: `iot_data` (`{"data": {"spo2": {"valeur", "unite",
//! "timestamp"}, …}}`, stored readings only; a device gets the latest
//! values when it connects and on `get_latest`, not every reading after),
//! commands to a device, and errors.
//!
//! Who may open it: the patient, a doctor in their care (or under emergency
//! access), a device of that patient. Opening it and each `get_latest` are
//! reads in the access trail. The socket closes when the device is revoked or
//! the doctor's relationship ends.

use std::collections::BTreeMap;

use app::session::Authn;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{OriginalUri, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use domain::DomainError;
use domain::accounts::UserId;
use domain::bus::{Envelope, Topic};
use domain::events::Event;
use domain::vitals::Reading;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::skeleton::{Route, Session, serve};
use super::{Peer, Registered, close, codes, describe, send_error, send_json};
use crate::authn::Client;
use crate::extract::ApiPath;
use crate::http_error::ApiError;
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/ws/iot/{patient_id}/", get(open))
}

/// Upgrades once the peer is authenticated and allowed to see the patient.
pub async fn open(
    State(state): State<AppState>,
    ApiPath(patient_id): ApiPath<UserId>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    authn: Option<Extension<Authn>>,
    Client(address): Client,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let peer = super::authenticate(&state, &uri, &headers, authn.as_ref().map(|a| &a.0)).await?;
    let latest = match &peer {
        Peer::Device(device) if device.patient_id == patient_id => {
            state.services.vitals.latest_for_device(*device).await?
        }
        Peer::Device(_) => return Err(ApiError(DomainError::Forbidden)),
        // The policy decides, and the opening is recorded as a read.
        Peer::User(principal) => {
            state
                .services
                .vitals
                .latest_readings(principal, patient_id)
                .await?
        }
    };
    Ok(
        super::upgrade(upgrade).on_upgrade(move |socket| async move {
            let registered = Registered::open(
                &state,
                describe(&peer, format!("ws/iot/{patient_id}/"), address, &headers),
            )
            .await;
            run(state, socket, peer, patient_id, latest, registered).await;
        }),
    )
}

/// `readings` as seed 004's `iot_data` message: the latest value per vital.
fn iot_data(readings: &[Reading]) -> Value {
    let mut data = Map::new();
    let mut newest: BTreeMap<&str, &Reading> = BTreeMap::new();
    for r in readings {
        let key = r.type_donnee.as_str();
        if newest
            .get(key)
            .is_none_or(|seen| seen.timestamp <= r.timestamp)
        {
            newest.insert(key, r);
        }
    }
    for (key, r) in newest {
        data.insert(
            key.to_owned(),
            json!({"valeur": r.valeur, "unite": r.unite, "timestamp": r.timestamp}),
        );
    }
    json!({"type": "iot_data", "data": data})
}

async fn run(
    state: AppState,
    mut socket: WebSocket,
    peer: Peer,
    patient_id: UserId,
    latest: Vec<Reading>,
    registered: Registered,
) {
    let mut topics = vec![Topic::Patient(patient_id)];
    match &peer {
        Peer::Device(device) => topics.push(Topic::Device(device.device_id)),
        Peer::User(principal) => topics.push(Topic::User(principal.user_id)),
    }
    let events = state.services.bus.subscribe(&topics);
    let _open = state.metrics.socket_opened(match &peer {
        Peer::Device(_) => "device",
        Peer::User(_) => "user",
    });
    if !send_json(&mut socket, &iot_data(&latest)).await {
        return;
    }
    let (rate, principal) = match &peer {
        Peer::Device(_) => (state.settings.socket_devices, None),
        Peer::User(principal) => (state.settings.socket_people, Some(principal)),
    };
    let session = Session {
        rate,
        principal,
        events: Some(events),
        registered: Some(&registered),
    };
    let mut watcher = Watcher {
        state: &state,
        peer: &peer,
        patient_id,
    };
    serve(&mut socket, &mut watcher, session).await;
}

/// A device or a person on a patient's live vitals.
struct Watcher<'a> {
    state: &'a AppState,
    peer: &'a Peer,
    patient_id: UserId,
}

impl Route for Watcher<'_> {
    async fn text(&mut self, socket: &mut WebSocket, text: &str) -> bool {
        handle(self.state, socket, self.peer, self.patient_id, text).await
    }

    async fn event(&mut self, socket: &mut WebSocket, event: Envelope<Event>) -> bool {
        deliver(self.state, socket, self.peer, self.patient_id, &event).await
    }

    /// Fell behind: told so, then sent the latest values again.
    async fn missed(&mut self, socket: &mut WebSocket, missed: u64) -> bool {
        send_json(socket, &json!({"type": "gap", "missed": missed})).await
            && handle(
                self.state,
                socket,
                self.peer,
                self.patient_id,
                r#"{"type":"get_latest"}"#,
            )
            .await
    }
}

/// One message from the client; false when the socket must close.
async fn handle(
    state: &AppState,
    socket: &mut WebSocket,
    peer: &Peer,
    patient_id: UserId,
    text: &str,
) -> bool {
    let Ok(Value::Object(message)) = serde_json::from_str::<Value>(text) else {
        return send_error(socket, "Format JSON invalide").await;
    };
    let seq = message.get("seq").and_then(Value::as_i64);
    match message.get("type").and_then(Value::as_str) {
        Some("sensor_data" | "iot_data") => {
            let Peer::Device(device) = peer else {
                return send_error(socket, "seuls les dispositifs envoient des mesures").await;
            };
            let body = Value::Object(message.clone());
            let devices = &state.services.devices;
            let outcome = match devices
                .readings_from(*device, &body, Timestamp::now())
                .await
            {
                Ok(readings) => state.services.vitals.ingest(*device, readings).await,
                Err(err) => Err(err),
            };
            match outcome {
                Ok(stored) => match seq {
                    Some(seq) => {
                        send_json(
                            socket,
                            &json!({"type": "ack", "seq": seq, "stored": stored}),
                        )
                        .await
                    }
                    None => true,
                },
                Err(err) => {
                    let mut body =
                        json!({"type": "error", "error": err.to_string(), "code": err.code()});
                    if let Some(field) = err.field() {
                        body["field"] = json!(field);
                    }
                    if let Some(seq) = seq {
                        body["seq"] = json!(seq);
                    }
                    send_json(socket, &body).await
                }
            }
        }
        Some("get_latest") => {
            let latest = match peer {
                Peer::Device(device) => state.services.vitals.latest_for_device(*device).await,
                Peer::User(principal) => {
                    state
                        .services
                        .vitals
                        .latest_readings(principal, patient_id)
                        .await
                }
            };
            match latest {
                Ok(latest) => send_json(socket, &iot_data(&latest)).await,
                Err(DomainError::Forbidden) => {
                    close(socket, codes::POLICY, "access ended").await;
                    false
                }
                Err(_) => send_error(socket, "erreur interne, réessayez").await,
            }
        }
        Some("ping") => send_json(socket, &json!({"type": "pong"})).await,
        _ => {
            send_error(
                socket,
                "type de message inconnu (sensor_data, iot_data, get_latest)",
            )
            .await
        }
    }
}

/// One bus event; false when the socket must close.
async fn deliver(
    state: &AppState,
    socket: &mut WebSocket,
    peer: &Peer,
    patient_id: UserId,
    event: &Event,
) -> bool {
    match (event, peer) {
        // Readings go to the people watching; a device only sends them.
        (
            Event::Readings {
                patient_id: of,
                readings,
                stored_at,
            },
            Peer::User(_),
        ) if *of == patient_id => {
            let sent = send_json(socket, &iot_data(readings)).await;
            state.metrics.delivered(*stored_at);
            sent
        }
        (Event::Alert { change, alert }, Peer::User(_)) if alert.patient == patient_id => {
            send_json(
                socket,
                &json!({"type": "alert", "change": change, "data": alert}),
            )
            .await
        }
        (
            Event::DeviceCommand {
                device_id,
                command_id,
                command,
                params,
            },
            Peer::Device(device),
        ) if *device_id == device.device_id => {
            let sent = send_json(
                socket,
                &json!({"type": "command", "id": command_id, "command": command, "params": params}),
            )
            .await;
            if sent {
                state.services.bus.publish(Event::CommandDelivered {
                    device_id: *device_id,
                    command_id: command_id.clone(),
                });
            }
            sent
        }
        (Event::DeviceCut { device_id }, Peer::Device(device))
            if *device_id == device.device_id =>
        {
            close(socket, codes::POLICY, "device credential revoked").await;
            false
        }
        (
            Event::CareEnded {
                doctor_id,
                patient_id: of,
            },
            Peer::User(principal),
        ) if *doctor_id == principal.user_id && *of == patient_id => {
            // Emergency access may still hold: ask the policy again.
            match state.services.vitals.may_watch(principal, patient_id).await {
                Ok(true) => true,
                _ => {
                    close(socket, codes::POLICY, "access ended").await;
                    false
                }
            }
        }
        _ => true,
    }
}
