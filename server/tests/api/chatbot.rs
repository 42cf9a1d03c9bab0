//! `ws/chatbot/`: seed 000's protocol byte for byte, anonymous and signed-in
//! visitors, errors that keep the socket open, and emergency phrases that
//! always get the numbers.

use crate::common;

use common::iot::{Socket, next_json, send};
use common::spawn_app;
use domain::accounts::Role;
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

async fn open(app: &common::TestApp, query: &str) -> Result<Socket, u16> {
    let url = format!(
        "{}/ws/chatbot/{query}",
        app.base.replace("http://", "ws://")
    );
    match tokio_tungstenite::connect_async(url).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(err) => panic!("{err}"),
    }
}

/// The next text frame as sent (pings skipped).
async fn next_text(socket: &mut Socket) -> String {
    loop {
        match socket.next().await.expect("a frame").expect("no error") {
            Message::Text(text) => return text.to_string(),
            Message::Close(_) => panic!("closed"),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_protocol_byte_for_byte() {
    let app = spawn_app().await;
    let mut socket = open(&app, "").await.expect("anonymous visitors may talk");
    assert_eq!(
        next_text(&mut socket).await,
        r#"{"type":"connection_established","message":"Connexion établie avec le chatbot"}"#
    );

    send(&mut socket, r#"{"message":"Bonjour gemini!"}"#).await;
    let text = next_text(&mut socket).await;
    assert!(
        text.starts_with(r#"{"type":"chat_message","message":"Bonjour"#),
        "{text}"
    );
    let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(reply["intent"], "greeting");
    assert!(reply["message"].as_str().unwrap().starts_with("Bonjour"));

    // Bad input: an error in the seed's shape, and the socket stays open.
    for bad in [
        "pas du json",
        r#"{"text":"x"}"#,
        r#"{"message":42}"#,
        r#"{"message":"   "}"#,
    ] {
        send(&mut socket, bad).await;
        let text = next_text(&mut socket).await;
        assert!(text.starts_with(r#"{"type":"error","message":""#), "{text}");
        let error: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(error["type"], "error", "{bad}");
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{bad}"
        );
        assert_eq!(error.as_object().unwrap().len(), 2, "{error}");
    }
    send(
        &mut socket,
        r#"{"message":"How do I cancel my appointment?"}"#,
    )
    .await;
    let reply = next_json(&mut socket).await.unwrap();
    assert_eq!(
        (reply["intent"].as_str(), reply["lang"].as_str()),
        (Some("cancel"), Some("en"))
    );
    // Anonymous: the links lead to signing in.
    assert_eq!(reply["suggestions"][0]["href"], "/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_patient_gets_their_portal_and_a_bad_token_is_refused() {
    let app = spawn_app().await;
    let (_, token, _) = app.user_with_tokens(Role::Patient, "marie").await;
    let mut socket = open(&app, &format!("?token={token}")).await.unwrap();
    assert_eq!(
        next_json(&mut socket).await.unwrap()["type"],
        "connection_established"
    );
    send(&mut socket, r#"{"message":"comment anuler mon rdv"}"#).await;
    // A patient's "cancel" acts on their appointments: she has none.
    let reply = next_json(&mut socket).await.unwrap();
    assert_eq!(reply["intent"], "no_appointment");
    assert_eq!(reply["lang"], "fr");
    assert_eq!(reply["suggestions"][0]["href"], "/patient/doctors");
    send(
        &mut socket,
        r#"{"message":"Quelles spécialités proposez-vous ?"}"#,
    )
    .await;
    let reply = next_json(&mut socket).await.unwrap();
    assert_eq!(reply["intent"], "specialties");
    assert!(
        reply["message"].as_str().unwrap().contains("Cardiologie"),
        "{reply}"
    );

    assert_eq!(open(&app, "?token=not-a-token").await.err(), Some(401));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emergency_phrases_always_get_the_numbers() {
    let app = spawn_app().await;
    let mut socket = open(&app, "").await.unwrap();
    next_json(&mut socket).await.unwrap();
    for (phrase, numbers) in [
        (
            "J'ai une douleur thoracique, je voudrais un rendez-vous",
            &["15", "112"][..],
        ),
        ("je n'arrive pas à respirer", &["15", "112"]),
        ("mon mari a la bouche de travers", &["15", "112"]),
        ("I have chest pain", &["15", "112"]),
        ("je pense à me suicider", &["15", "112", "3114"]),
        ("I want to kill myself", &["15", "112", "3114"]),
    ] {
        send(
            &mut socket,
            &serde_json::json!({"message": phrase}).to_string(),
        )
        .await;
        let reply = next_json(&mut socket).await.unwrap();
        assert_eq!(reply["intent"], "emergency", "{phrase}");
        let message = reply["message"].as_str().unwrap();
        for n in numbers {
            assert!(message.contains(n), "{phrase}: {message}");
        }
        let links: Vec<&str> = reply["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["href"].as_str().unwrap())
            .collect();
        assert_eq!(links.len(), numbers.len(), "{phrase}");
    }
}
