//! `ws/chatbot/`: the assistant, in seed 000's protocol exactly. On
//! connection `{"type": "connection_established", "message": "Connexion
//! établie avec le chatbot"}`; the client sends `{"message": "…"}`; each
//! answer is `{"type": "chat_message", "message": "…"}` with, beside the
//! seed's fields, `intent`, `lang`, `suggestions` (links the widget shows
//! as buttons) and `choices` (options whose `send` text the widget sends
//! back when picked); the seed's clients ignore them; bad input gets `{"type":
//! "error", "message": "…"}` and the socket stays open.
//!
//! Anonymous visitors get help and the FAQ; a signed-in user (`?token=`, a
//! Bearer header or the session cookie) gets links into their portal, and a
//! patient gets actions (search, book, cancel, move) within one conversation
//! per socket, remembered until it closes. An
//! invalid token is refused at upgrade rather than silently ignored.

use app::session::Authn;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{OriginalUri, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use domain::DomainError;
use domain::assistant::conversation::Conversation;
use domain::assistant::{Choice, Suggestion};
use domain::auth::Principal;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use super::Peer;
use super::skeleton::{Route, Session, serve};
use crate::http_error::ApiError;
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/ws/chatbot/", get(open))
}

/// The seed's greeting.
pub const GREETING: &str = "Connexion établie avec le chatbot";

/// Upgrades for anyone; a signed-in user is recognised.
pub async fn open(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    authn: Option<Extension<Authn>>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let authn = authn.map(|a| a.0);
    let has_token = uri.query().is_some_and(|q| q.contains("token="));
    let principal = match super::authenticate(&state, &uri, &headers, authn.as_ref()).await {
        Ok(Peer::User(principal)) => Some(principal),
        Ok(Peer::Device(_)) => return Err(ApiError(DomainError::Forbidden)),
        // No credentials at all: an anonymous visitor.
        Err(ApiError(DomainError::Unauthenticated { code, .. }))
            if code != "cross_origin"
                && !has_token
                && !matches!(authn, Some(Authn::Rejected { .. })) =>
        {
            None
        }
        Err(err) => return Err(err),
    };
    // The reader's language when a question does not tell: the page's.
    let french = !headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|l| l.trim_start().starts_with("en"));
    Ok(super::upgrade(upgrade)
        .on_upgrade(move |socket| async move { run(state, socket, principal, french).await }))
}

/// A frame in the seed's field order (`type`, then `message`), with the
/// platform's parts after them on answers.
#[derive(Serialize)]
struct Frame<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    intent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestions: Option<&'a [Suggestion]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choices: Option<&'a [Choice]>,
}

async fn send_frame(socket: &mut WebSocket, frame: &Frame<'_>) -> bool {
    match serde_json::to_string(frame) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

async fn send_typed(socket: &mut WebSocket, kind: &str, message: &str) -> bool {
    let frame = Frame {
        kind,
        message,
        intent: None,
        lang: None,
        suggestions: None,
        choices: None,
    };
    send_frame(socket, &frame).await
}

/// The question of a client's message, or what is wrong with it.
pub fn question(text: &str) -> Result<String, &'static str> {
    let value: Value = serde_json::from_str(text)
        .map_err(|_| "Message invalide : JSON attendu, {\"message\": \"…\"}")?;
    match value.get("message") {
        Some(Value::String(m)) => Ok(m.clone()),
        Some(_) => Err("Le champ « message » doit être un texte"),
        None => Err("Champ « message » manquant"),
    }
}

async fn run(state: AppState, mut socket: WebSocket, principal: Option<Principal>, french: bool) {
    let _open = state.metrics.socket_opened(if principal.is_some() {
        "user"
    } else {
        "visitor"
    });
    if !send_typed(&mut socket, "connection_established", GREETING).await {
        return;
    }
    let mut assistant = Assistant {
        state: &state,
        principal: principal.as_ref(),
        french,
        conversation: Conversation::default(),
    };
    let session = Session {
        rate: state.settings.socket_people,
        principal: None,
        events: None,
        registered: None,
    };
    serve(&mut socket, &mut assistant, session).await;
}

/// One visitor's or user's conversation, remembered while the socket lives.
struct Assistant<'a> {
    state: &'a AppState,
    principal: Option<&'a Principal>,
    french: bool,
    conversation: Conversation,
}

impl Route for Assistant<'_> {
    async fn text(&mut self, socket: &mut WebSocket, text: &str) -> bool {
        let q = match question(text) {
            Err(problem) => return send_typed(socket, "error", problem).await,
            Ok(q) => q,
        };
        let reply = self
            .state
            .services
            .assistant
            .converse(
                self.principal,
                &mut self.conversation,
                &q,
                self.french,
                Timestamp::now(),
            )
            .await;
        match reply {
            Ok(reply) => {
                send_frame(
                    socket,
                    &Frame {
                        kind: "chat_message",
                        message: &reply.message,
                        intent: Some(&reply.intent),
                        lang: Some(reply.lang),
                        suggestions: Some(&reply.suggestions),
                        choices: Some(&reply.choices),
                    },
                )
                .await
            }
            Err(DomainError::Validation { message, .. }) => {
                send_typed(socket, "error", &message).await
            }
            Err(err) => {
                tracing::error!(error = %err, "assistant failed");
                send_typed(socket, "error", "Erreur du serveur, réessayez").await
            }
        }
    }

    /// Seed 000's error shape: `{"type": "error", "message": …}`.
    fn error_frame(&self, code: &str, message: &str) -> Value {
        serde_json::json!({"type": "error", "message": message, "code": code})
    }
}
