//! What every socket is held to, on every route: a message rate per
//! connection (an error frame, then a 1008 close), a size per message (a 1009
//! close with its reason), and the page's origin when the session cookie
//! opens it.

use std::time::Duration;

use crate::common;

use common::iot::{Socket, register, ward};
use common::{TestApp, spawn_app};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// A socket of each kind, with a message it may send (and repeat).
struct Route {
    name: &'static str,
    path: String,
    token: String,
    message: Value,
}

/// A ward, a device, a chat room: one socket route of each kind.
async fn routes(app: &TestApp) -> Vec<Route> {
    let w = ward(app).await;
    let (_, device_token) = register(app, &w, "AA:BB:CC:00:11:22").await;
    let (status, rooms) =
        common::parts(app.get_auth("/api/v1/chat/rooms/", &w.patient.1).await).await;
    assert_eq!(status, 200, "{rooms}");
    let room = rooms[0]["id"].as_i64().unwrap();
    let ping = json!({"type": "ping"});
    vec![
        Route {
            name: "chat",
            path: format!("/ws/chat/{room}/"),
            token: w.patient.1.clone(),
            message: json!({"type": "typing"}),
        },
        Route {
            name: "chatbot",
            path: "/ws/chatbot/".into(),
            token: w.patient.1.clone(),
            message: json!({"message": "bonjour"}),
        },
        Route {
            name: "iot (device)",
            path: format!("/ws/iot/{}/", w.patient.0),
            token: device_token,
            message: ping.clone(),
        },
        Route {
            name: "monitoring",
            path: "/ws/monitoring/mine/".into(),
            token: w.doctor.1.clone(),
            message: ping.clone(),
        },
        Route {
            name: "alerts",
            path: format!("/ws/alerts/{}/", w.patient.0),
            token: w.doctor.1.clone(),
            message: ping,
        },
    ]
}

async fn open(app: &TestApp, route: &Route) -> Socket {
    common::iot::connect_to(app, &route.path, &route.token)
        .await
        .unwrap_or_else(|status| panic!("{}: refused with {status}", route.name))
}

/// Reads until the server closes: the error frames' codes, and the close.
async fn until_closed(socket: &mut Socket) -> (Vec<String>, Option<(CloseCode, String)>) {
    let mut codes = Vec::new();
    loop {
        let next = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("the server answers or closes within 10 s");
        match next {
            Some(Ok(Message::Text(text))) => {
                let frame: Value = serde_json::from_str(&text).unwrap();
                if frame["type"] == "error" {
                    codes.push(frame["code"].as_str().unwrap_or_default().to_owned());
                }
            }
            Some(Ok(Message::Close(frame))) => {
                return (codes, frame.map(|f| (f.code, f.reason.as_str().to_owned())));
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (codes, None),
        }
    }
}

#[tokio::test]
async fn a_flood_is_told_then_closed_on_every_route_while_others_are_served() {
    let app = spawn_app().await;
    let routes = routes(&app).await;
    for route in &routes {
        let mut flooder = open(&app, route).await;
        // A well-behaved peer on the same server: the chatbot, one question
        // a second.
        let calm_route = &routes[1];
        let mut calm = open(&app, calm_route).await;
        let text = route.message.to_string();
        for _ in 0..1000 {
            if flooder
                .send(Message::Text(text.clone().into()))
                .await
                .is_err()
            {
                break;
            }
        }
        let (codes, close) = until_closed(&mut flooder).await;
        assert!(
            codes.iter().any(|c| c == "rate_limited"),
            "{}: no rate_limited error before the close: {codes:?}",
            route.name
        );
        let (code, reason) = close.unwrap_or_else(|| panic!("{}: no close frame", route.name));
        assert_eq!(code, CloseCode::Policy, "{}: {reason}", route.name);
        assert_eq!(reason, "too many messages", "{}", route.name);
        // The calm peer is answered, and never told to slow down.
        let _greeting = calm.next().await;
        for _ in 0..3 {
            calm.send(Message::Text(
                json!({"message": "merci"}).to_string().into(),
            ))
            .await
            .unwrap();
            let answer = common::iot::next_json(&mut calm).await.unwrap();
            assert_eq!(answer["type"], "chat_message", "{}: {answer}", route.name);
        }
    }
}

#[tokio::test]
async fn a_message_over_the_limit_is_closed_with_1009_on_every_route() {
    let app = spawn_app().await;
    for route in routes(&app).await {
        let mut socket = open(&app, &route).await;
        let big = json!({"message": "x".repeat(300 * 1024)}).to_string();
        socket.send(Message::Text(big.into())).await.unwrap();
        let (_, close) = until_closed(&mut socket).await;
        let (code, reason) = close.unwrap_or_else(|| panic!("{}: no close frame", route.name));
        assert_eq!(code, CloseCode::Size, "{}: {reason}", route.name);
        assert!(reason.contains("256 KiB"), "{}: {reason}", route.name);
    }
}

/// Opens `path` with the session cookie and an `Origin`; the HTTP status
/// when refused.
async fn with_cookie(app: &TestApp, path: &str, token: &str, origin: &str) -> Result<Socket, u16> {
    let mut request = format!("{}{path}", app.base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("cookie", format!("medplat_access={token}").parse().unwrap());
    headers.insert("origin", origin.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(err) => panic!("{err}"),
    }
}

#[tokio::test]
async fn the_session_cookie_opens_sockets_from_the_site_s_own_pages_only() {
    let app = spawn_app().await;
    let routes = routes(&app).await;
    let own = app.base.clone();
    for route in routes.iter().filter(|r| r.name != "iot (device)") {
        let refused = with_cookie(&app, &route.path, &route.token, "https://evil.example").await;
        assert_eq!(
            refused.err(),
            Some(401),
            "{}: cross-origin cookie",
            route.name
        );
        assert!(
            with_cookie(&app, &route.path, &route.token, &own)
                .await
                .is_ok(),
            "{}: the site's own page",
            route.name
        );
    }
    // A device (or any token holder) is not a page: its Origin is not asked.
    let device = &routes[2];
    let mut request = format!(
        "{}{}?token={}",
        app.base.replace("http://", "ws://"),
        device.path,
        device.token
    )
    .into_client_request()
    .unwrap();
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_ok());
}

#[tokio::test]
async fn allowed_origins_are_configurable() {
    let app = common::spawn_with(&[(
        "WS_ALLOWED_ORIGINS",
        "https://app.clinique.fr, https://autre.fr",
    )])
    .await;
    let routes = routes(&app).await;
    let chat = &routes[0];
    assert!(
        with_cookie(&app, &chat.path, &chat.token, "https://app.clinique.fr")
            .await
            .is_ok()
    );
    assert_eq!(
        with_cookie(&app, &chat.path, &chat.token, "https://evil.example")
            .await
            .err(),
        Some(401)
    );
}
