//! `ws/alerts/` (every alert the user may see) and `ws/alerts/<patient_id>/`
//! (one patient's, seed 004).
//!
//! On opening: `{"type": "alerts", "data": [active alerts]}` (a read in the
//! access trail). Then `{"type": "alert", "change": "raised" | "updated" |
//! "acknowledged" | "escalated" | "cleared", "data": {…}}` as alerts change
//! (seed 004's hook prepends `data`). In: `{"type": "acknowledge", "id": n}`
//! (a doctor of the patient's care team). A patient sees their own alerts, a
//! doctor those of the patients in their care; administrators none.

use std::collections::HashMap;
use std::time::Instant;

use app::session::Authn;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{OriginalUri, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use domain::accounts::UserId;
use domain::auth::Principal;
use domain::bus::{Received, Topic};
use domain::events::Event;
use domain::services::alerts::AlertQuery;
use serde_json::{Value, json};

use super::{
    PING_EVERY, Peer, Registered, SILENCE_LIMIT, close, codes, describe, send_error, send_json,
};
use crate::authn::Client;
use crate::extract::ApiPath;
use crate::http_error::ApiError;
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ws/alerts/", get(open_all))
        .route("/ws/alerts/{patient_id}/", get(open_patient))
}

/// Every alert the user may see.
pub async fn open_all(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    authn: Option<Extension<Authn>>,
    Client(address): Client,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let principal =
        super::authenticate_user(&state, &uri, &headers, authn.as_ref().map(|a| &a.0)).await?;
    let query = AlertQuery {
        only_active: true,
        per_page: Some(500),
        ..AlertQuery::default()
    };
    let active = state.services.alerts.list(&principal, &query).await?;
    Ok(
        super::upgrade(upgrade).on_upgrade(move |socket| async move {
            let peer = Peer::User(principal.clone());
            let registered = Registered::open(
                &state,
                describe(&peer, "ws/alerts/".into(), address, &headers),
            )
            .await;
            run(
                state,
                socket,
                principal,
                None,
                json!(active.results),
                registered,
            )
            .await;
        }),
    )
}

/// One patient's alerts.
pub async fn open_patient(
    State(state): State<AppState>,
    ApiPath(patient_id): ApiPath<UserId>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    authn: Option<Extension<Authn>>,
    Client(address): Client,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let principal =
        super::authenticate_user(&state, &uri, &headers, authn.as_ref().map(|a| &a.0)).await?;
    let query = AlertQuery {
        patient: Some(patient_id),
        only_active: true,
        per_page: Some(500),
        ..AlertQuery::default()
    };
    let active = state.services.alerts.list(&principal, &query).await?;
    Ok(
        super::upgrade(upgrade).on_upgrade(move |socket| async move {
            let peer = Peer::User(principal.clone());
            let room = format!("ws/alerts/{patient_id}/");
            let registered =
                Registered::open(&state, describe(&peer, room, address, &headers)).await;
            run(
                state,
                socket,
                principal,
                Some(patient_id),
                json!(active.results),
                registered,
            )
            .await;
        }),
    )
}

async fn run(
    state: AppState,
    mut socket: WebSocket,
    principal: Principal,
    patient: Option<UserId>,
    active: Value,
    registered: Registered,
) {
    let topics = match patient {
        Some(patient_id) => vec![Topic::Patient(patient_id), Topic::User(principal.user_id)],
        None => vec![Topic::Alerts, Topic::User(principal.user_id)],
    };
    let mut events = state.services.bus.subscribe(&topics);
    let _open = state.metrics.socket_opened("user");
    if !send_json(&mut socket, &json!({"type": "alerts", "data": active})).await {
        return;
    }
    // Whether the user may see a patient's alerts, asked once per patient
    // and forgotten when one of their relationships ends.
    let mut allowed: HashMap<UserId, bool> = HashMap::new();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { return };
                heard = Instant::now();
                match message {
                    Message::Text(text) => {
                        if !handle(&state, &mut socket, &principal, text.as_str()).await { return; }
                    }
                    Message::Binary(_) => {
                        if !send_error(&mut socket, "Format JSON invalide").await { return; }
                    }
                    Message::Close(_) => return,
                    Message::Ping(_) | Message::Pong(_) => {}
                }
            }
            event = events.recv() => {
                let event = match event {
                    Some(Received::Event(event)) => event,
                    Some(Received::Missed(_)) => continue,
                    None => { close(&mut socket, codes::GOING_AWAY, "bus closed").await; return; }
                };
                if event.ends_session_of(&principal) {
                    close(&mut socket, codes::POLICY, "signed out").await;
                    return;
                }
                match &*event {
                    Event::Alert { change, alert } => {
                        if patient.is_some_and(|p| p != alert.patient) {
                            continue;
                        }
                        let may = match allowed.get(&alert.patient) {
                            Some(may) => *may,
                            None => {
                                let may = state.services.alerts.may_see(&principal, alert).await.unwrap_or(false);
                                allowed.insert(alert.patient, may);
                                may
                            }
                        };
                        if may && !send_json(&mut socket, &json!({"type": "alert", "change": change, "data": alert})).await {
                            return;
                        }
                    }
                    Event::CareEnded { doctor_id, patient_id } if *doctor_id == principal.user_id => {
                        allowed.remove(patient_id);
                        if patient == Some(*patient_id) {
                            let still = state.services.vitals.may_watch(&principal, *patient_id).await.unwrap_or(false);
                            if !still {
                                close(&mut socket, codes::POLICY, "access ended").await;
                                return;
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > SILENCE_LIMIT {
                    close(&mut socket, codes::GOING_AWAY, "silent peer").await;
                    return;
                }
                if socket.send(Message::Ping(Default::default())).await.is_err() { return; }
                registered.touch().await;
            }
        }
    }
}

/// `{"type": "acknowledge", "id": n}`; false when the socket must close.
async fn handle(
    state: &AppState,
    socket: &mut WebSocket,
    principal: &Principal,
    text: &str,
) -> bool {
    let Ok(Value::Object(message)) = serde_json::from_str::<Value>(text) else {
        return send_error(socket, "Format JSON invalide").await;
    };
    match (
        message.get("type").and_then(Value::as_str),
        message.get("id").and_then(Value::as_i64),
    ) {
        (Some("acknowledge"), Some(id)) => {
            match state.services.alerts.acknowledge(principal, id).await {
                Ok(alert) => {
                    send_json(socket, &json!({"type": "acknowledged", "data": alert})).await
                }
                Err(err) => {
                    send_json(
                        socket,
                        &json!({"type": "error", "error": err.to_string(), "code": err.code()}),
                    )
                    .await
                }
            }
        }
        (Some("ping"), _) => send_json(socket, &json!({"type": "pong"})).await,
        _ => send_error(socket, "type de message inconnu (acknowledge avec id)").await,
    }
}
