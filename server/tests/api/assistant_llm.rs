//! The assistant with a language model, against a local stand-in that
//! speaks the OpenAI-compatible chat API: a text answer passes through; a
//! tool call is carried out by the platform (the booking still waits for
//! the patient's yes, which the model never sees); an error and a timeout
//! fall back to the offline assistant; the model gets no name or address.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use common::iot::{Socket, connect_to, next_json, send};
use common::medical::{Actor, actor, open_every_day};
use common::{TestApp, spawn_with};
use domain::accounts::Role;
use serde_json::{Value, json};

/// What the stand-in received.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(HeaderMap, Value)>>>);

async fn completions(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let question = body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default()
        .to_owned();
    let model = body["model"].clone();
    seen.0.lock().unwrap().push((headers, body));
    let message = if question.contains("panne") {
        return (StatusCode::INTERNAL_SERVER_ERROR, "upstream down").into_response();
    } else if question.contains("lent") {
        tokio::time::sleep(Duration::from_secs(5)).await;
        json!({"role": "assistant", "content": "trop tard"})
    } else if question.contains("Martin") {
        let arguments =
            json!({"doctor_last_name": "Martin", "part_of_day": "afternoon"}).to_string();
        json!({"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "search_slots", "arguments": arguments}}
        ]})
    } else {
        json!({"role": "assistant", "content": "Bonjour ! Je suis le modèle de démonstration."})
    };
    Json(
        json!({"id": "cmpl-1", "object": "chat.completion", "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}),
    )
    .into_response()
}

async fn stand_in() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/v1/"), seen)
}

async fn open(app: &TestApp, who: Option<&Actor>) -> Socket {
    let mut socket = match who {
        Some(who) => connect_to(app, "/ws/chatbot/", &who.token).await.unwrap(),
        None => {
            let url = format!("{}/ws/chatbot/", app.base.replace("http://", "ws://"));
            tokio_tungstenite::connect_async(url).await.unwrap().0
        }
    };
    assert_eq!(
        next_json(&mut socket).await.unwrap()["type"],
        "connection_established"
    );
    socket
}

async fn ask(socket: &mut Socket, question: &str) -> Value {
    send(socket, &json!({ "message": question }).to_string()).await;
    next_json(socket).await.expect("an answer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_answers_calls_tools_and_falls_back() {
    let (url, seen) = stand_in().await;
    let app = spawn_with(&[
        ("ASSISTANT_LLM_URL", url.as_str()),
        ("ASSISTANT_LLM_KEY", "test-key"),
        ("ASSISTANT_LLM_MODEL", "gemini-test"),
        ("ASSISTANT_LLM_TIMEOUT_MS", "500"),
    ])
    .await;
    let doctor = actor(&app, Role::Doctor, "martin").await;
    open_every_day(&app, &doctor).await;
    let patient = actor(&app, Role::Patient, "marie").await;

    // Text passes through, with the key and the model, and no tools for a visitor.
    let mut visitor = open(&app, None).await;
    let reply = ask(&mut visitor, "Salut").await;
    assert_eq!(
        (reply["intent"].as_str(), reply["message"].as_str()),
        (
            Some("llm"),
            Some("Bonjour ! Je suis le modèle de démonstration.")
        )
    );
    {
        let seen = seen.0.lock().unwrap();
        let (headers, body) = seen.last().unwrap();
        assert_eq!(headers["authorization"], "Bearer test-key");
        assert_eq!(body["model"], "gemini-test");
        assert!(body.get("tools").is_none(), "a visitor's model cannot act");
        assert_eq!(body["messages"][0]["role"], "system");
    }

    // A patient: the model's tool call becomes the platform's offer.
    let mut socket = open(&app, Some(&patient)).await;
    let reply = ask(&mut socket, "Un rendez-vous avec Martin l'après-midi").await;
    assert_eq!(reply["intent"], "slots", "{reply}");
    assert!(!reply["choices"].as_array().unwrap().is_empty());
    let asked = seen.0.lock().unwrap().len();
    {
        let seen = seen.0.lock().unwrap();
        let (_, body) = seen.last().unwrap();
        let tools: Vec<&str> = body["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["function"]["name"].as_str().unwrap())
            .collect();
        assert!(
            tools.contains(&"search_slots") && tools.contains(&"cancel_appointment"),
            "{tools:?}"
        );
        let sent = body.to_string();
        assert!(
            !sent.contains("marie@example.org") && !sent.contains("\"marie\""),
            "no identity is sent: {sent}"
        );
    }
    // The pick and the yes are the platform's: the model is not asked.
    assert_eq!(ask(&mut socket, "Créneau 1").await["intent"], "confirm");
    assert_eq!(ask(&mut socket, "oui").await["intent"], "booked");
    assert_eq!(seen.0.lock().unwrap().len(), asked);
    let booked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE patient_id = $1")
        .bind(patient.id)
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(booked, 1);
    // The conversation so far goes with the next question.
    ask(&mut socket, "Salut encore").await;
    assert!(
        seen.0.lock().unwrap().last().unwrap().1["messages"]
            .as_array()
            .unwrap()
            .len()
            >= 7
    );

    // An error, then a timeout: the offline assistant answers.
    let reply = ask(&mut visitor, "panne : comment prendre rendez-vous ?").await;
    assert_eq!(reply["intent"], "book", "{reply}");
    let started = Instant::now();
    let reply = ask(&mut visitor, "lent : merci beaucoup").await;
    assert_eq!(reply["intent"], "thanks", "{reply}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the timeout cut the wait"
    );
    // Emergencies never wait for the model.
    let before = seen.0.lock().unwrap().len();
    let reply = ask(&mut visitor, "je fais un AVC").await;
    assert_eq!(reply["intent"], "emergency");
    assert_eq!(seen.0.lock().unwrap().len(), before);
}
