//! The loop every socket runs, once: the peer's messages (rate-limited,
//! bounded in size), the bus's events, the heartbeat, the session's end. A
//! route only says what a message and an event mean ([`Route`]).

use std::future::Future;
use std::time::Instant;

use axum::extract::ws::{Message, WebSocket};
use domain::auth::Principal;
use domain::bus::{Envelope, Received, Subscription};
use domain::events::Event;
use serde_json::{Value, json};

use super::guard::{Flood, Rate, Verdict, too_big};
use super::{MAX_MESSAGE, PING_EVERY, Registered, SILENCE_LIMIT, close, codes, send_json};

/// What a socket route does with its peer's messages and the bus's events;
/// each returns false when the socket must close (having said why).
pub trait Route: Send {
    /// One text message from the peer.
    fn text(&mut self, socket: &mut WebSocket, text: &str) -> impl Future<Output = bool> + Send;

    /// One event of the topics the socket listens to.
    fn event(
        &mut self,
        _socket: &mut WebSocket,
        _event: Envelope<Event>,
    ) -> impl Future<Output = bool> + Send {
        std::future::ready(true)
    }

    /// The socket fell behind and `missed` events were dropped: the peer is
    /// told how many (`{"type": "gap", "missed": n}`); a route that can
    /// catch up (the latest values again) does so after.
    fn missed(&mut self, socket: &mut WebSocket, missed: u64) -> impl Future<Output = bool> + Send {
        async move { send_json(socket, &json!({"type": "gap", "missed": missed})).await }
    }

    /// An error frame: seed 004's `{"type": "error", "error": …}` with a
    /// `code`; the assistant's seed says `message`.
    fn error_frame(&self, code: &str, message: &str) -> Value {
        json!({"type": "error", "error": message, "code": code})
    }
}

/// The session a socket serves.
pub struct Session<'a> {
    /// The message rate of this kind of peer (people or devices).
    pub rate: Rate,
    /// A signed-in user's socket closes when their session ends.
    pub principal: Option<&'a Principal>,
    /// The bus topics it listens to.
    pub events: Option<Subscription<Event>>,
    /// Its row in the registry of open sockets, touched on each heartbeat.
    pub registered: Option<&'a Registered>,
}

/// Serves `route` until the peer leaves, goes silent, floods, sends too
/// much, or the session ends.
pub async fn serve<R: Route>(socket: &mut WebSocket, route: &mut R, mut session: Session<'_>) {
    let flood = Flood::new(session.rate);
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let message = match incoming {
                    Some(Ok(message)) => message,
                    Some(Err(err)) => {
                        if too_big(err) {
                            let reason = format!("message too big: at most {} KiB", MAX_MESSAGE / 1024);
                            goodbye(socket, codes::TOO_BIG, reason).await;
                        }
                        return;
                    }
                    None => return,
                };
                heard = Instant::now();
                let text = match message {
                    Message::Text(text) => Some(text),
                    Message::Binary(_) => None,
                    Message::Close(_) => return,
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                match flood.check() {
                    Verdict::Take => {}
                    Verdict::Refuse { retry_after } => {
                        let mut frame = route.error_frame(
                            "rate_limited",
                            &format!(
                                "Trop de messages : au plus {} par seconde ; réessayez dans {} ms",
                                session.rate.per_second,
                                retry_after.as_millis().max(1)
                            ),
                        );
                        frame["retry_after_ms"] = json!(retry_after.as_millis().max(1) as u64);
                        if !send_json(socket, &frame).await { return; }
                        continue;
                    }
                    Verdict::Close => {
                        goodbye(socket, codes::POLICY, "too many messages").await;
                        return;
                    }
                }
                let go_on = match text {
                    Some(text) => route.text(socket, text.as_str()).await,
                    None => {
                        let frame = route.error_frame("invalid_json", "Format JSON invalide : texte attendu");
                        send_json(socket, &frame).await
                    }
                };
                if !go_on { return; }
            }
            event = next_event(&mut session.events) => {
                let go_on = match event {
                    Some(Received::Event(event)) => {
                        if session.principal.is_some_and(|p| event.ends_session_of(p)) {
                            close(socket, codes::POLICY, "signed out").await;
                            return;
                        }
                        route.event(socket, event).await
                    }
                    Some(Received::Missed(missed)) => route.missed(socket, missed).await,
                    None => {
                        close(socket, codes::GOING_AWAY, "bus closed").await;
                        return;
                    }
                };
                if !go_on { return; }
            }
            _ = ping.tick() => {
                if heard.elapsed() > SILENCE_LIMIT {
                    close(socket, codes::GOING_AWAY, "silent peer").await;
                    return;
                }
                if socket.send(Message::Ping(Default::default())).await.is_err() { return; }
                if let Some(registered) = session.registered {
                    registered.touch().await;
                }
            }
        }
    }
}

/// The next event, or never for a socket that listens to none.
async fn next_event(events: &mut Option<Subscription<Event>>) -> Option<Received<Event>> {
    match events {
        Some(events) => events.recv().await,
        None => std::future::pending().await,
    }
}

/// Closes, then reads what the peer had already sent until its own close
/// (at most a second): the close frame reaches the peer before the
/// connection ends, rather than being lost to a reset over unread data.
async fn goodbye(
    socket: &mut WebSocket,
    code: u16,
    reason: impl Into<axum::extract::ws::Utf8Bytes>,
) {
    close(socket, code, reason).await;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}
