//! WebSockets: one pattern for every `ws/` route.
//!
//! 1. Authenticate at upgrade: `?token=` (a user's access token, or a
//!    device's credential), else the request's Bearer header or cookies.
//! 2. Authorize what the route opens through the domain's policy (done by
//!    each route before upgrading; a refusal is an HTTP error, not a socket).
//! 3. One task per socket selects between the client's messages (parsed, one
//!    service call each), events from the bus (written to the client), and a
//!    heartbeat: a ping every [`PING_EVERY`], and the socket closes when the
//!    peer has been silent for [`SILENCE_LIMIT`].
//! 4. Bad input gets `{"type": "error", …}` and the socket stays open.
//!
//! The loop of step 3 is written once ([`skeleton::serve`]); it also holds
//! every socket to a message rate, closes on a message over [`MAX_MESSAGE`]
//! with 1009, and tells a peer that fell behind how many events it missed.
//! A handshake that rides on the session cookie must come from the site's
//! own pages or an allowed origin ([`guard::origin_allowed`]).

pub mod alerts;
pub mod chat;
pub mod chatbot;
pub mod guard;
pub mod iot;
pub mod monitoring;
pub mod skeleton;

use std::time::Duration;

use app::session::Authn;
use axum::Router;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, Uri};
use domain::DomainError;
use domain::auth::Principal;
use domain::services::devices::DeviceIdentity;
use domain::trail::Door;
use serde::Deserialize;
use serde_json::Value;

use crate::http_error::ApiError;
use crate::state::AppState;

/// How often the server pings.
pub const PING_EVERY: Duration = Duration::from_secs(20);
/// A peer silent for this long (no message, no pong) is dropped.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(60);
/// Largest message accepted from a client.
pub const MAX_MESSAGE: usize = 256 * 1024;
/// Largest frame read before refusing it: a frame up to this size is read
/// whole, so a message over [`MAX_MESSAGE`] gets a clean 1009 close; beyond
/// it the frame is refused from its header.
const MAX_FRAME: usize = 1024 * 1024;
/// Read and write buffers of a socket. Messages are small (a few hundred
/// bytes); the library's 128 KiB default read buffer, allocated per socket,
/// would cost 1.3 GB for 10,000 idle devices.
const BUFFER: usize = 4 * 1024;

/// The upgrade every socket route answers with: bounded messages, small
/// buffers, and a write buffer that cannot grow past a few messages when a
/// peer stops reading.
pub fn upgrade(upgrade: WebSocketUpgrade) -> WebSocketUpgrade {
    upgrade
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_FRAME)
        .read_buffer_size(BUFFER)
        .write_buffer_size(BUFFER)
        .max_write_buffer_size(4 * MAX_MESSAGE)
}

/// All socket routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(iot::router())
        .merge(alerts::router())
        .merge(chat::router())
        .merge(chatbot::router())
        .merge(monitoring::router())
}

/// Who is on the other end.
#[derive(Debug, Clone)]
pub enum Peer {
    User(Principal),
    Device(DeviceIdentity),
}

/// The `?token=` of a socket URL.
#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    pub token: Option<String>,
}

/// Authenticates a socket request: `?token=` first (what browsers' and the
/// ESP32's socket clients can send), then the request's own credentials.
pub async fn authenticate(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    authn: Option<&Authn>,
) -> Result<Peer, ApiError> {
    let query: TokenQuery = uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let request_id = headers
        .get(crate::telemetry::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(token) = query
        .token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if token.starts_with("dev_") {
            return Ok(Peer::Device(
                state.services.devices.authenticate(token).await?,
            ));
        }
        let principal = state.services.auth.authenticate(token).await?;
        return Ok(Peer::User(principal.entering(Door::WebSocket, request_id)));
    }
    if let Some(Ok(token)) = crate::authn::bearer_token(headers) {
        if token.starts_with("dev_") {
            return Ok(Peer::Device(
                state.services.devices.authenticate(token).await?,
            ));
        }
    }
    match authn {
        // The session cookie rides along with any page's handshake: only the
        // site's own pages (or allowed origins) may use it. A Bearer header
        // is never sent by a browser on its own.
        Some(Authn::Authenticated(_))
            if crate::authn::bearer_token(headers).is_none()
                && !guard::origin_allowed(headers, &state.settings.socket_origins) =>
        {
            Err(ApiError(DomainError::Unauthenticated {
                code: "cross_origin",
                message: "this page's origin may not open the platform's sockets with the session cookie",
            }))
        }
        Some(Authn::Authenticated(principal)) => Ok(Peer::User(principal.clone())),
        Some(Authn::Rejected { code, message }) => {
            Err(ApiError(DomainError::Unauthenticated { code, message }))
        }
        _ => Err(ApiError(DomainError::Unauthenticated {
            code: "not_authenticated",
            message: "authenticate with ?token=, a Bearer header or the session cookie",
        })),
    }
}

/// [`authenticate`] for sockets that serve people only: a device is refused.
pub async fn authenticate_user(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    authn: Option<&Authn>,
) -> Result<Principal, ApiError> {
    match authenticate(state, uri, headers, authn).await? {
        Peer::User(principal) => Ok(principal),
        Peer::Device(_) => Err(ApiError(DomainError::Forbidden)),
    }
}

/// Sends a JSON value; false when the peer is gone.
pub async fn send_json(socket: &mut WebSocket, value: &Value) -> bool {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .is_ok()
}

/// Sends `{"type": "error", "error": message}` (seed 004's shape).
pub async fn send_error(socket: &mut WebSocket, message: &str) -> bool {
    send_json(
        socket,
        &serde_json::json!({"type": "error", "error": message}),
    )
    .await
}

/// Closes with a code and a reason the client can show.
pub async fn close(socket: &mut WebSocket, code: u16, reason: impl Into<Utf8Bytes>) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

/// Close codes.
pub mod codes {
    /// Access ended (relationship withdrawn, signed out, device revoked), or
    /// too many messages.
    pub const POLICY: u16 = 1008;
    /// A message over the size limit.
    pub const TOO_BIG: u16 = 1009;
    /// The server is going away (shutdown) or the peer went silent.
    pub const GOING_AWAY: u16 = 1001;
}

/// A socket's row in the registry of open sockets (`/api/iot/sessions/`):
/// touched on each heartbeat, removed when dropped.
pub struct Registered {
    sockets: domain::services::SocketService,
    id: Option<String>,
}

impl Registered {
    /// Records the socket (a failure is logged: the socket still works).
    pub async fn open(state: &AppState, new: domain::services::sockets::NewSocket) -> Self {
        let sockets = state.services.sockets.clone();
        let id = match sockets.opened(new).await {
            Ok(id) => Some(id),
            Err(err) => {
                tracing::warn!(error = %err, "socket not recorded");
                None
            }
        };
        Self { sockets, id }
    }

    /// Notes activity.
    pub async fn touch(&self) {
        if let Some(id) = &self.id
            && let Err(err) = self.sockets.touch(id).await
        {
            tracing::warn!(error = %err, "socket activity not recorded");
        }
    }
}

impl Registered {
    /// Leaves the registry now (rather than soon after the drop).
    pub async fn close(mut self) {
        if let Some(id) = self.id.take() {
            let _ = self.sockets.closed(&id).await;
        }
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let sockets = self.sockets.clone();
            tokio::spawn(async move {
                let _ = sockets.closed(&id).await;
            });
        }
    }
}

/// What the registry records of a socket opening: its kind, who, the room,
/// the client's address and user agent.
pub fn describe(
    peer: &Peer,
    room: String,
    address: Option<std::net::IpAddr>,
    headers: &HeaderMap,
) -> domain::services::sockets::NewSocket {
    let (kind, user_id, device_id) = match peer {
        Peer::User(principal) => ("user", Some(principal.user_id), None),
        Peer::Device(device) => ("device", None, Some(device.device_id)),
    };
    domain::services::sockets::NewSocket {
        kind,
        user_id,
        device_id,
        room,
        address: address.map(|a| a.to_string()),
        user_agent: headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}
