//! `ws/chat/<room>/` and `/api/v1/chat/`: one room per care relationship,
//! opened only by its two members; messages stored before they are
//! delivered, to every tab, on every instance; history in pages; presence,
//! typing and read receipts; a notification and an unread count when the
//! reader is away; the trail of every read and write; read-only once care
//! ends.

use crate::common;

use common::iot::{Socket, connect_to, next_json, send};
use common::medical::{Actor, actor, post, relationship_of, trail_after, trail_head};
use common::{TestApp, parts, spawn_app};
use domain::accounts::Role;
use serde_json::{Value, json};

pub(crate) struct Pair {
    pub(crate) patient: Actor,
    pub(crate) doctor: Actor,
    pub(crate) admin: Actor,
    pub(crate) room: i64,
}

/// A patient and a doctor an administrator assigned; their room.
pub(crate) async fn pair(app: &TestApp) -> Pair {
    let patient = actor(app, Role::Patient, "marie").await;
    let doctor = actor(app, Role::Doctor, "dr.dupont").await;
    let admin = actor(app, Role::Admin, "gestion").await;
    let sent = post(
        app,
        &admin,
        "/api/v1/care-relationships/",
        json!({"doctor_id": doctor.id, "patient_id": patient.id}),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    let (status, rooms) = parts(app.get_auth("/api/v1/chat/rooms/", &patient.token).await).await;
    assert_eq!(status, 200, "{rooms}");
    assert_eq!(rooms.as_array().unwrap().len(), 1, "{rooms}");
    assert_eq!(rooms[0]["doctor_id"], doctor.id);
    assert_eq!(rooms[0]["open"], true);
    let room = rooms[0]["id"].as_i64().unwrap();
    Pair {
        patient,
        doctor,
        admin,
        room,
    }
}

/// Joins the room; returns the socket, the greeting and the first history page.
pub(crate) async fn join(app: &TestApp, who: &Actor, room: i64) -> (Socket, Value, Value) {
    let mut socket = connect_to(app, &format!("/ws/chat/{room}/"), &who.token)
        .await
        .unwrap_or_else(|status| panic!("{} refused: {status}", who.label));
    let hello = next_json(&mut socket).await.unwrap();
    assert_eq!(hello["type"], "connection_established", "{hello}");
    let history = next_json(&mut socket).await.unwrap();
    assert_eq!(history["type"], "history", "{history}");
    (socket, hello, history)
}

/// The next frame of `kind`, skipping others.
pub(crate) async fn next_of(socket: &mut Socket, kind: &str) -> Value {
    loop {
        let frame = next_json(socket)
            .await
            .unwrap_or_else(|| panic!("closed before {kind}"));
        if frame["type"] == kind {
            return frame;
        }
    }
}

async fn notifications_of(app: &TestApp, user: i64) -> Vec<String> {
    sqlx::query_scalar("SELECT kind FROM notifications WHERE user_id = $1 ORDER BY id")
        .bind(user)
        .fetch_all(app.state.services.db().pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_talk_live_with_presence_typing_and_receipts() {
    let app = spawn_app().await;
    let p = pair(&app).await;
    let path = format!("/ws/chat/{}/", p.room);

    // Only the two members open the room; strangers are told it does not exist.
    let stranger = actor(&app, Role::Doctor, "dr.stranger").await;
    let other_patient = actor(&app, Role::Patient, "paul").await;
    for who in [&stranger, &other_patient, &p.admin] {
        assert_eq!(
            connect_to(&app, &path, &who.token).await.err(),
            Some(404),
            "{}",
            who.label
        );
    }
    assert_eq!(
        connect_to(&app, "/ws/chat/999999/", &p.patient.token)
            .await
            .err(),
        Some(404)
    );
    assert_eq!(
        connect_to(&app, &path, "not-a-token").await.err(),
        Some(401)
    );
    let (status, _) = parts(
        app.get_auth(
            &format!("/api/v1/chat/rooms/{}/messages/", p.room),
            &stranger.token,
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);

    let before = trail_head(&app).await;
    let (mut marie, hello, history) = join(&app, &p.patient, p.room).await;
    assert_eq!(hello["other"]["online"], false);
    assert_eq!(hello["other"]["last_seen"], Value::Null);
    assert_eq!(history["messages"], json!([]));
    let (mut dupont, hello, _) = join(&app, &p.doctor, p.room).await;
    assert_eq!(hello["other"]["online"], true, "Marie is in the room");
    let presence = next_of(&mut marie, "presence").await;
    assert_eq!(
        (presence["user_id"].as_i64(), presence["online"].as_bool()),
        (Some(p.doctor.id), Some(true))
    );

    // A message reaches both members (the sender's own tab too), stored.
    send(
        &mut marie,
        r#"{"type": "message", "body": "Bonjour docteur, ma tension est remontée."}"#,
    )
    .await;
    let mine = next_of(&mut marie, "message").await;
    let theirs = next_of(&mut dupont, "message").await;
    assert_eq!(mine, theirs);
    assert_eq!(theirs["message"]["sender_id"], p.patient.id);
    assert_eq!(
        theirs["message"]["body"],
        "Bonjour docteur, ma tension est remontée."
    );
    let first_id = theirs["message"]["id"].as_i64().unwrap();
    // The seed's shape is understood too.
    send(&mut dupont, r#"{"message": "Bonjour, combien ce matin ?"}"#).await;
    let reply = next_of(&mut marie, "message").await;
    assert_eq!(reply["message"]["sender_id"], p.doctor.id);

    // Typing goes to the other member only; a read receipt to both.
    send(&mut dupont, r#"{"type": "typing"}"#).await;
    let typing = next_of(&mut marie, "typing").await;
    assert_eq!(typing["user_id"], p.doctor.id);
    send(
        &mut marie,
        &json!({"type": "read", "up_to": reply["message"]["id"]}).to_string(),
    )
    .await;
    let receipt = next_of(&mut dupont, "read").await;
    assert_eq!(
        (receipt["user_id"].as_i64(), receipt["up_to"].as_i64()),
        (Some(p.patient.id), reply["message"]["id"].as_i64())
    );

    // Bad input: an error, and the socket stays open.
    for bad in [
        "pas du json",
        r#"{"type": "message", "body": "   "}"#,
        r#"{"type": "dance"}"#,
        r#"{"type": "read"}"#,
    ] {
        send(&mut marie, bad).await;
        let error = next_of(&mut marie, "error").await;
        assert!(
            error["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{bad}"
        );
    }
    // Both were in the room: no notification.
    assert!(
        !notifications_of(&app, p.doctor.id)
            .await
            .contains(&"chat_message".to_owned())
    );

    // The doctor leaves: Marie sees when; her next message notifies him and
    // counts as unread.
    dupont.close(None).await.unwrap();
    let gone = next_of(&mut marie, "presence").await;
    assert_eq!(gone["online"], false);
    assert!(gone["last_seen"].as_i64().is_some());
    send(
        &mut marie,
        r#"{"type": "message", "body": "132/85, docteur."}"#,
    )
    .await;
    let last = next_of(&mut marie, "message").await;
    assert!(
        notifications_of(&app, p.doctor.id)
            .await
            .contains(&"chat_message".to_owned())
    );
    let (_, rooms) = parts(app.get_auth("/api/v1/chat/rooms/", &p.doctor.token).await).await;
    assert_eq!(rooms[0]["unread"], 1, "{rooms}");
    assert_eq!(rooms[0]["patient_id"], p.patient.id);

    // Coming back: the history, oldest first, and who read what.
    let (_, hello, history) = join(&app, &p.doctor, p.room).await;
    let bodies: Vec<&str> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "Bonjour docteur, ma tension est remontée.",
            "Bonjour, combien ce matin ?",
            "132/85, docteur."
        ]
    );
    assert_eq!(history["has_more"], false);
    // Writing marks what came before as read.
    assert_eq!(hello["read"]["theirs"], last["message"]["id"]);
    assert!(hello["read"]["mine"].as_i64().unwrap() >= first_id);

    // Every read and write is in the trail, each refusal too.
    let entries = trail_after(&app, before).await;
    let chat: Vec<_> = entries
        .iter()
        .filter(|e| e.resource == "chat_message")
        .collect();
    assert!(chat.iter().all(|e| e.patient_id == Some(p.patient.id)));
    assert!(
        chat.iter()
            .any(|e| e.action == "create" && e.actor_id == Some(p.patient.id) && e.allowed)
    );
    assert!(
        chat.iter()
            .any(|e| e.action == "create" && e.actor_id == Some(p.doctor.id) && e.allowed)
    );
    assert!(
        chat.iter()
            .any(|e| e.action == "read" && e.actor_id == Some(p.doctor.id) && e.allowed)
    );
    let (status, _) = parts(
        app.get_auth(
            &format!("/api/v1/chat/rooms/{}/messages/", p.room),
            &stranger.token,
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    let refused = trail_after(&app, before).await;
    assert!(
        refused
            .iter()
            .any(|e| e.resource == "chat_message" && !e.allowed && e.actor_id == Some(stranger.id))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_in_pages_and_read_only_once_care_ends() {
    let app = spawn_app().await;
    let p = pair(&app).await;
    let path = format!("/api/v1/chat/rooms/{}/messages/", p.room);
    for i in 0..60 {
        let (status, body) = parts(
            app.post_auth(
                &path,
                &p.patient.token,
                json!({"body": format!("message {i}")}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = parts(
        app.post_auth(&path, &p.patient.token, json!({"body": ""}))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("body")),
        "{body}"
    );
    let (status, body) = parts(
        app.get_auth(&format!("{path}?before=0"), &p.patient.token)
            .await,
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("before")),
        "{body}"
    );

    let (mut socket, _, page) = join(&app, &p.doctor, p.room).await;
    let messages = page["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 50);
    assert_eq!(messages[49]["body"], "message 59");
    assert_eq!(page["has_more"], true);
    send(
        &mut socket,
        &json!({"type": "history", "before": messages[0]["id"]}).to_string(),
    )
    .await;
    let older = next_of(&mut socket, "history").await;
    let older = older["messages"].as_array().unwrap().clone();
    assert_eq!(older.len(), 10);
    assert_eq!(older[0]["body"], "message 0");

    // Care ends: the doctor's socket closes, the room is read-only for the patient.
    let relationship = relationship_of(&app, &p.admin, &p.doctor, &p.patient).await;
    let sent = post(
        &app,
        &p.admin,
        &format!("/api/v1/care-relationships/{relationship}/end/"),
        json!({}),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    loop {
        match next_json(&mut socket).await {
            None => break,
            Some(frame) => assert_ne!(frame["type"], "message"),
        }
    }
    assert_eq!(
        connect_to(&app, &format!("/ws/chat/{}/", p.room), &p.doctor.token)
            .await
            .err(),
        Some(404)
    );
    let (status, body) = parts(
        app.post_auth(&path, &p.patient.token, json!({"body": "Vous êtes là ?"}))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("care_ended")),
        "{body}"
    );
    let (status, page) = parts(app.get_auth(&path, &p.patient.token).await).await;
    assert_eq!(status, 200, "the patient still reads it");
    assert_eq!(page["messages"].as_array().unwrap().len(), 50);
    let (_, rooms) = parts(app.get_auth("/api/v1/chat/rooms/", &p.patient.token).await).await;
    assert_eq!(rooms[0]["open"], false);
}

#[tokio::test]
async fn a_message_reaches_the_other_instance_over_redis() {
    let (one, two, database) = common::two_instances("chat").await;
    let p = pair(&one).await;
    let (mut on_two, _, _) = join(&two, &p.doctor, p.room).await;
    let (mut on_one, hello, _) = join(&one, &p.patient, p.room).await;
    assert_eq!(
        hello["other"]["online"], true,
        "presence is shared by every instance"
    );
    send(
        &mut on_one,
        r#"{"type": "message", "body": "Depuis l'autre instance"}"#,
    )
    .await;
    let delivered = next_of(&mut on_two, "message").await;
    assert_eq!(delivered["message"]["body"], "Depuis l'autre instance");
    let echoed = next_of(&mut on_one, "message").await;
    assert_eq!(echoed, delivered);
    common::drop_postgres(&database).await;
}
