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

use app::session::Authn;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{OriginalUri, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use domain::accounts::UserId;
use domain::auth::Principal;
use domain::bus::{Envelope, Topic};
use domain::events::Event;
use domain::services::alerts::AlertQuery;
use serde_json::{Value, json};

use super::skeleton::{Route, Session, serve};
use super::{Peer, Registered, close, codes, describe, send_error, send_json};
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
    let events = state.services.bus.subscribe(&topics);
    let _open = state.metrics.socket_opened("user");
    if !send_json(&mut socket, &json!({"type": "alerts", "data": active})).await {
        return;
    }
    let mut reader = Reader {
        state: &state,
        principal: &principal,
        patient,
        allowed: HashMap::new(),
    };
    let session = Session {
        rate: state.settings.socket_people,
        principal: Some(&principal),
        events: Some(events),
        registered: Some(&registered),
    };
    serve(&mut socket, &mut reader, session).await;
}

/// A user following alerts (all they may see, or one patient's).
struct Reader<'a> {
    state: &'a AppState,
    principal: &'a Principal,
    patient: Option<UserId>,
    /// Whether the user may see a patient's alerts, asked once per patient
    /// and forgotten when one of their relationships ends.
    allowed: HashMap<UserId, bool>,
}

impl Route for Reader<'_> {
    async fn text(&mut self, socket: &mut WebSocket, text: &str) -> bool {
        handle(self.state, socket, self.principal, text).await
    }

    async fn event(&mut self, socket: &mut WebSocket, event: Envelope<Event>) -> bool {
        let (state, principal) = (self.state, self.principal);
        match &*event {
            Event::Alert { change, alert } => {
                if self.patient.is_some_and(|p| p != alert.patient) {
                    return true;
                }
                let may = match self.allowed.get(&alert.patient) {
                    Some(may) => *may,
                    None => {
                        let may = state
                            .services
                            .alerts
                            .may_see(principal, alert)
                            .await
                            .unwrap_or(false);
                        self.allowed.insert(alert.patient, may);
                        may
                    }
                };
                !may || send_json(
                    socket,
                    &json!({"type": "alert", "change": change, "data": alert}),
                )
                .await
            }
            Event::CareEnded {
                doctor_id,
                patient_id,
            } if *doctor_id == principal.user_id => {
                self.allowed.remove(patient_id);
                if self.patient == Some(*patient_id)
                    && !state
                        .services
                        .vitals
                        .may_watch(principal, *patient_id)
                        .await
                        .unwrap_or(false)
                {
                    close(socket, codes::POLICY, "access ended").await;
                    return false;
                }
                true
            }
            _ => true,
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
