//! A patient's chat message read by the red-flag detector: the message
//! carries the signs to both sides (socket and REST) and keeps them in the
//! history; calm, denied and doctors' words carry none.

use crate::chat::{join, next_of, pair};
use crate::common::{parts, spawn_app};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patients_emergency_words_are_marked_for_both_sides() {
    let app = spawn_app().await;
    let p = pair(&app).await;
    let (mut doctor_socket, _, _) = join(&app, &p.doctor, p.room).await;
    let path = format!("/api/v1/chat/rooms/{}/messages/", p.room);
    let (status, sent) = parts(
        app.post_auth(
            &path,
            &p.patient.token,
            json!({"body": "Docteur, j'ai une forte douleur dans la poitrine depuis ce matin"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["red_flags"], json!(["chest_pain"]), "{sent}");
    // The doctor's socket gets the message with its mark.
    let live = next_of(&mut doctor_socket, "message").await;
    assert_eq!(
        live["message"]["red_flags"],
        json!(["chest_pain"]),
        "{live}"
    );
    // Suicidal words carry their own category; calm or denied words none.
    for (body, flags) in [
        (
            "j'en peux plus de vivre, je veux en finir",
            json!(["suicide"]),
        ),
        ("je n'ai pas de douleur à la poitrine, merci", Value::Null),
        ("Merci docteur, à jeudi", Value::Null),
    ] {
        let (status, sent) = parts(
            app.post_auth(&path, &p.patient.token, json!({"body": body}))
                .await,
        )
        .await;
        assert_eq!(status, 201, "{sent}");
        assert_eq!(sent["red_flags"], flags, "{body}: {sent}");
    }
    // A doctor's words are not read for the patient's emergencies.
    let (status, sent) = parts(
        app.post_auth(
            &path,
            &p.doctor.token,
            json!({"body": "Une douleur dans la poitrine : appelez le 15."}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["red_flags"], Value::Null, "{sent}");
    // Stored: the history reads them back.
    let (status, page) = parts(app.get_auth(&path, &p.doctor.token).await).await;
    assert_eq!(status, 200, "{page}");
    let flagged: Vec<&Value> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m.get("red_flags").is_some())
        .collect();
    assert_eq!(flagged.len(), 2, "{page}");
}
