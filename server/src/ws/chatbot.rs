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

use std::time::Instant;

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

use super::{PING_EVERY, Peer, SILENCE_LIMIT, close, codes};
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
        Err(_) if !has_token && !matches!(authn, Some(Authn::Rejected { .. })) => None,
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
fn question(text: &str) -> Result<String, &'static str> {
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
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut heard = Instant::now();
    let mut conversation = Conversation::default();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { return };
                heard = Instant::now();
                let text = match message {
                    Message::Text(text) => text.to_string(),
                    Message::Binary(_) => {
                        if !send_typed(&mut socket, "error", "Message invalide : texte JSON attendu").await { return; }
                        continue;
                    }
                    Message::Close(_) => return,
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                let sent = match question(&text) {
                    Err(problem) => send_typed(&mut socket, "error", problem).await,
                    Ok(q) => match state.services.assistant.converse(principal.as_ref(), &mut conversation, &q, french, Timestamp::now()).await {
                        Ok(reply) => send_frame(&mut socket, &Frame {
                            kind: "chat_message",
                            message: &reply.message,
                            intent: Some(&reply.intent),
                            lang: Some(reply.lang),
                            suggestions: Some(&reply.suggestions),
                            choices: Some(&reply.choices),
                        }).await,
                        Err(DomainError::Validation { message, .. }) => send_typed(&mut socket, "error", &message).await,
                        Err(err) => {
                            tracing::error!(error = %err, "assistant failed");
                            send_typed(&mut socket, "error", "Erreur du serveur, réessayez").await
                        }
                    },
                };
                if !sent { return; }
            }
            _ = ping.tick() => {
                if heard.elapsed() > SILENCE_LIMIT {
                    close(&mut socket, codes::GOING_AWAY, "silent peer").await;
                    return;
                }
                if socket.send(Message::Ping(Default::default())).await.is_err() { return; }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::question;

    #[test]
    fn messages_are_read_as_the_seed_sends_them() {
        assert_eq!(
            question(r#"{"message":"Bonjour gemini!"}"#).unwrap(),
            "Bonjour gemini!"
        );
        assert!(question("Bonjour").is_err());
        assert!(question(r#"{"text":"Bonjour"}"#).is_err());
        assert!(question(r#"{"message":3}"#).is_err());
    }
}
