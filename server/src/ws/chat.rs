//! `ws/chat/<room>/`: a patient and their doctor, live (seed 001's chat
//! room). Only the room's two members open it, the doctor while the care
//! relationship runs; anyone else gets 404 at upgrade.
//!
//! Out, on joining: `{"type": "connection_established", "room": id, "you":
//! user id, "other": {"user_id", "online", "last_seen"}, "read": {"mine",
//! "theirs"}}`, then `{"type": "history", "messages": […], "has_more":
//! bool}` (the latest page, oldest first). Then, as they happen: `{"type":
//! "message", "message": {id, room_id, sender_id, body, sent_at}}` (the
//! sender's own too, once stored), `{"type": "typing", "user_id"}`,
//! `{"type": "read", "user_id", "up_to"}` and `{"type": "presence",
//! "user_id", "online", "last_seen"}`.
//!
//! In: `{"type": "message", "body": "…"}` (or the seed's `{"message":
//! "…"}`), `{"type": "typing"}`, `{"type": "read", "up_to": id}`,
//! `{"type": "history", "before": id}` (an older page) and `{"type":
//! "ping"}`. Bad input gets `{"type": "error", "error": "…"}` (with a
//! `code` when the domain refused) and the socket stays open.

use app::session::Authn;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{OriginalUri, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use domain::DomainError;
use domain::auth::Principal;
use domain::bus::{Envelope, Topic};
use domain::chat::History;
use domain::events::Event;
use domain::services::chat::{Joined, socket_room};
use domain::store::chat::RoomRow;
use serde_json::{Value, json};

use super::skeleton::{Route, Session, serve};
use super::{Peer, Registered, close, codes, describe, send_error, send_json};
use crate::authn::Client;
use crate::extract::ApiPath;
use crate::http_error::ApiError;
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/ws/chat/{room}/", get(open))
}

/// Upgrades a member of the room.
pub async fn open(
    State(state): State<AppState>,
    ApiPath(room_id): ApiPath<i64>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    authn: Option<Extension<Authn>>,
    Client(address): Client,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let principal =
        super::authenticate_user(&state, &uri, &headers, authn.as_ref().map(|a| &a.0)).await?;
    let joined = state.services.chat.join(&principal, room_id).await?;
    let history = state
        .services
        .chat
        .history(&principal, room_id, None)
        .await?;
    Ok(
        super::upgrade(upgrade).on_upgrade(move |socket| async move {
            let peer = Peer::User(principal.clone());
            let registered = Registered::open(
                &state,
                describe(&peer, socket_room(room_id), address, &headers),
            )
            .await;
            run(state, socket, principal, joined, history, registered).await;
        }),
    )
}

fn history_frame(history: &History) -> Value {
    json!({"type": "history", "messages": history.messages, "has_more": history.has_more})
}

async fn run(
    state: AppState,
    mut socket: WebSocket,
    principal: Principal,
    joined: Joined,
    history: History,
    registered: Registered,
) {
    let chat = state.services.chat.clone();
    let room = joined.room.clone();
    let events = state
        .services
        .bus
        .subscribe(&[Topic::Conversation(room.id), Topic::User(principal.user_id)]);
    let _open = state.metrics.socket_opened("user");
    let greeting = json!({
        "type": "connection_established",
        "room": room.id,
        "you": principal.user_id,
        "other": joined.other,
        "read": joined.marks,
    });
    if !send_json(&mut socket, &greeting).await
        || !send_json(&mut socket, &history_frame(&history)).await
    {
        return;
    }
    if let Err(err) = chat.presence(&principal, &room, true).await {
        tracing::warn!(error = %err, "presence not told");
    }
    let mut member = Member {
        state: &state,
        principal: &principal,
        room: &room,
    };
    let session = Session {
        rate: state.settings.socket_people,
        principal: Some(&principal),
        events: Some(events),
        registered: Some(&registered),
    };
    serve(&mut socket, &mut member, session).await;
    registered.close().await;
    if let Err(err) = chat.presence(&principal, &room, false).await {
        tracing::warn!(error = %err, "presence not told");
    }
}

/// A member in the room.
struct Member<'a> {
    state: &'a AppState,
    principal: &'a Principal,
    room: &'a RoomRow,
}

impl Route for Member<'_> {
    async fn text(&mut self, socket: &mut WebSocket, text: &str) -> bool {
        handle(self.state, socket, self.principal, self.room, text).await
    }

    async fn event(&mut self, socket: &mut WebSocket, event: Envelope<Event>) -> bool {
        let (principal, room) = (self.principal, self.room);
        let frame = match &*event {
            Event::ChatPosted { message } if message.room_id == room.id => {
                json!({"type": "message", "message": message})
            }
            // Typing is for the other member only.
            Event::ChatTyping { room_id, user_id }
                if *room_id == room.id && *user_id != principal.user_id =>
            {
                json!({"type": "typing", "user_id": user_id})
            }
            Event::ChatRead {
                room_id,
                user_id,
                up_to,
            } if *room_id == room.id => {
                json!({"type": "read", "user_id": user_id, "up_to": up_to})
            }
            Event::ChatPresence { room_id, presence }
                if *room_id == room.id && presence.user_id != principal.user_id =>
            {
                json!({"type": "presence", "user_id": presence.user_id, "online": presence.online, "last_seen": presence.last_seen})
            }
            Event::CareEnded {
                doctor_id,
                patient_id,
            } if *doctor_id == principal.user_id && *patient_id == room.patient_id => {
                if !self
                    .state
                    .services
                    .chat
                    .may_stay(principal, room)
                    .await
                    .unwrap_or(false)
                {
                    close(socket, codes::POLICY, "access ended").await;
                    return false;
                }
                return true;
            }
            _ => return true,
        };
        send_json(socket, &frame).await
    }
}

/// One client message; false when the socket must close.
async fn handle(
    state: &AppState,
    socket: &mut WebSocket,
    principal: &Principal,
    room: &RoomRow,
    text: &str,
) -> bool {
    let chat = &state.services.chat;
    let Ok(Value::Object(message)) = serde_json::from_str::<Value>(text) else {
        return send_error(
            socket,
            "Format JSON invalide : {\"type\": \"message\", \"body\": \"…\"} attendu",
        )
        .await;
    };
    let kind = message.get("type").and_then(Value::as_str);
    let outcome: Result<Option<Value>, DomainError> = match kind {
        Some("message") | None => {
            let body = message
                .get("body")
                .or_else(|| message.get("message"))
                .and_then(Value::as_str);
            match body {
                // Delivered back through the bus like everyone's.
                Some(body) => chat.post(principal, room.id, body).await.map(|_| None),
                None => return send_error(socket, "Champ « body » manquant").await,
            }
        }
        Some("typing") => {
            chat.typing(principal, room);
            Ok(None)
        }
        Some("read") => match message.get("up_to").and_then(Value::as_i64) {
            Some(up_to) => chat.read(principal, room.id, up_to).await.map(|_| None),
            None => return send_error(socket, "Champ « up_to » manquant").await,
        },
        Some("history") => {
            let before = message.get("before").and_then(Value::as_i64);
            chat.history(principal, room.id, before)
                .await
                .map(|h| Some(history_frame(&h)))
        }
        Some("ping") => Ok(Some(json!({"type": "pong"}))),
        Some(_) => {
            return send_error(
                socket,
                "type de message inconnu (message, typing, read, history, ping)",
            )
            .await;
        }
    };
    match outcome {
        Ok(Some(frame)) => send_json(socket, &frame).await,
        Ok(None) => true,
        Err(err @ (DomainError::Validation { .. } | DomainError::Conflict { .. })) => {
            send_json(
                socket,
                &json!({"type": "error", "error": err.to_string(), "code": err.code()}),
            )
            .await
        }
        Err(DomainError::NotFound(_) | DomainError::Forbidden) => {
            close(socket, codes::POLICY, "access ended").await;
            false
        }
        Err(err) => {
            tracing::error!(error = %err, "chat failed");
            send_error(socket, "Erreur du serveur, réessayez").await
        }
    }
}
