//! `ws/monitoring/<room>/`: a live board (seed 001's MonitoringConsumer),
//! where the room is a ward's id, or `mine`: every patient in the doctor's
//! care.
//!
//! Opened by a doctor of the ward's staff; shows only the ward's patients
//! that doctor may see under the policy (each a recorded read). First
//! `{"type": "board", "ward": {…} | null, "data": [rows, most urgent first]}`
//! (each row with its NEWS2), then
//! `{"type": "iot_data", "patient": id, "data": {…}}` as readings are stored
//! and `{"type": "alert", "change", "data"}` as alerts change; a patient whose
//! relationship with the doctor ends leaves the board
//! (`{"type": "patient_removed", "patient": id}`).

use std::collections::BTreeSet;

use app::session::Authn;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{OriginalUri, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use domain::DomainError;
use domain::accounts::UserId;
use domain::auth::Principal;
use domain::bus::{Envelope, Topic};
use domain::events::Event;
use serde_json::{Map, json};

use super::skeleton::{Route, Session, serve};
use super::{Peer, Registered, describe, send_error, send_json};
use crate::authn::Client;
use crate::extract::ApiPath;
use crate::http_error::ApiError;
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/ws/monitoring/{room}/", get(open))
}

/// Upgrades for a doctor of the ward's staff.
pub async fn open(
    State(state): State<AppState>,
    ApiPath(room): ApiPath<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    authn: Option<Extension<Authn>>,
    Client(address): Client,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let principal =
        super::authenticate_user(&state, &uri, &headers, authn.as_ref().map(|a| &a.0)).await?;
    let (ward, rows) = match room.as_str() {
        "mine" => (None, state.services.wards.my_board(&principal).await?),
        id => match id.parse::<i64>() {
            Ok(id) if id >= 1 => {
                let (ward, rows) = state.services.wards.board(&principal, id).await?;
                (Some(ward), rows)
            }
            _ => {
                return Err(ApiError(DomainError::invalid(
                    "room",
                    "invalid_room",
                    "a ward's id or `mine`",
                )));
            }
        },
    };
    let patients: BTreeSet<UserId> = rows.iter().map(|r| r.patient).collect();
    let first = json!({"type": "board", "ward": ward, "data": rows});
    Ok(
        super::upgrade(upgrade).on_upgrade(move |socket| async move {
            let peer = Peer::User(principal.clone());
            let registered = Registered::open(
                &state,
                describe(&peer, format!("ws/monitoring/{room}/"), address, &headers),
            )
            .await;
            run(state, socket, principal, patients, first, registered).await;
        }),
    )
}

async fn run(
    state: AppState,
    mut socket: WebSocket,
    principal: Principal,
    patients: BTreeSet<UserId>,
    first: serde_json::Value,
    registered: Registered,
) {
    let mut topics: Vec<Topic> = patients.iter().map(|p| Topic::Patient(*p)).collect();
    topics.push(Topic::User(principal.user_id));
    let events = state.services.bus.subscribe(&topics);
    let _open = state.metrics.socket_opened("user");
    if !send_json(&mut socket, &first).await {
        return;
    }
    let mut board = Board {
        state: &state,
        principal: &principal,
        patients,
    };
    let session = Session {
        rate: state.settings.socket_people,
        principal: Some(&principal),
        events: Some(events),
        registered: Some(&registered),
    };
    serve(&mut socket, &mut board, session).await;
}

/// A doctor watching a board of patients.
struct Board<'a> {
    state: &'a AppState,
    principal: &'a Principal,
    patients: BTreeSet<UserId>,
}

impl Route for Board<'_> {
    async fn text(&mut self, socket: &mut WebSocket, _text: &str) -> bool {
        send_error(socket, "ce tableau se lit seulement").await
    }

    async fn event(&mut self, socket: &mut WebSocket, event: Envelope<Event>) -> bool {
        let (state, principal) = (self.state, self.principal);
        match &*event {
            Event::Readings {
                patient_id,
                readings,
                stored_at,
            } if self.patients.contains(patient_id) => {
                let mut data = Map::new();
                for r in readings {
                    data.insert(r.type_donnee.as_str().to_owned(), json!(r.latest()));
                }
                state.metrics.delivered(*stored_at);
                send_json(
                    socket,
                    &json!({"type": "iot_data", "patient": patient_id, "data": data}),
                )
                .await
            }
            Event::Alert { change, alert } if self.patients.contains(&alert.patient) => {
                send_json(
                    socket,
                    &json!({"type": "alert", "change": change, "data": alert}),
                )
                .await
            }
            Event::CareEnded {
                doctor_id,
                patient_id,
            } if *doctor_id == principal.user_id && self.patients.contains(patient_id) => {
                if state
                    .services
                    .vitals
                    .may_watch(principal, *patient_id)
                    .await
                    .unwrap_or(false)
                {
                    true
                } else {
                    self.patients.remove(patient_id);
                    send_json(
                        socket,
                        &json!({"type": "patient_removed", "patient": patient_id}),
                    )
                    .await
                }
            }
            _ => true,
        }
    }
}
