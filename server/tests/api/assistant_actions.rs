//! The assistant acting for a signed-in patient over `ws/chatbot/`: a
//! free-slot search by doctor, specialty, day and part of the day; a
//! follow-up that keeps the search ("et l'après-midi ?"); booking only after
//! an explicit yes, and nothing booked after a no; listing and cancelling;
//! and nobody else's data or actions for another token.

use crate::common;

use common::iot::{Socket, connect_to, next_json, send};
use common::medical::{Actor, actor, open_every_day};
use common::{TestApp, spawn_app};
use domain::accounts::Role;
use jiff::ToSpan;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

async fn open(app: &TestApp, who: &Actor) -> Socket {
    let mut socket = connect_to(app, "/ws/chatbot/", &who.token)
        .await
        .expect("a signed-in patient may talk");
    let hello = next_json(&mut socket).await.unwrap();
    assert_eq!(hello["type"], "connection_established");
    socket
}

async fn ask(socket: &mut Socket, question: &str) -> Value {
    send(socket, &json!({ "message": question }).to_string()).await;
    let reply = next_json(socket).await.expect("an answer");
    assert_eq!(reply["type"], "chat_message", "{question}: {reply}");
    reply
}

/// (status, local start) of the patient's appointments, by start.
async fn appointments_of(app: &TestApp, patient: &Actor) -> Vec<(String, jiff::Zoned)> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, starts_at FROM appointments WHERE patient_id = $1 ORDER BY starts_at",
    )
    .bind(patient.id)
    .fetch_all(app.state.services.db().pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(status, at)| {
            let zoned = jiff::Timestamp::from_millisecond(at)
                .unwrap()
                .to_zoned(TimeZone::get("Europe/Paris").unwrap());
            (status, zoned)
        })
        .collect()
}

/// The hours of the slots offered ("… 09:30 · Dr …").
fn offered_hours(reply: &Value) -> Vec<i8> {
    reply["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let label = c["label"].as_str().unwrap();
            let time = label
                .split_whitespace()
                .find(|w| w.len() == 5 && w.as_bytes()[2] == b':')
                .unwrap_or_else(|| panic!("a time in {label}"));
            time[..2].parse().unwrap()
        })
        .collect()
}

/// The day after tomorrow: far enough for the 24-hour cancellation cut-off.
fn later_label() -> String {
    let today = jiff::Timestamp::now()
        .to_zoned(TimeZone::get("Europe/Paris").unwrap())
        .date();
    domain::assistant::when::day_label(today.checked_add(2.days()).unwrap(), true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_searches_books_after_a_yes_lists_and_cancels() {
    let app = spawn_app().await;
    let doctor = actor(&app, Role::Doctor, "martin").await;
    open_every_day(&app, &doctor).await;
    let patient = actor(&app, Role::Patient, "marie").await;
    let mut socket = open(&app, &patient).await;

    let reply = ask(
        &mut socket,
        "Je voudrais un rendez-vous avec le docteur Martin après-demain matin",
    )
    .await;
    assert_eq!(reply["intent"], "slots", "{reply}");
    let message = reply["message"].as_str().unwrap();
    assert!(message.contains(&later_label()), "{message}");
    assert!(
        message.contains("1. "),
        "numbered for clients without buttons: {message}"
    );
    let hours = offered_hours(&reply);
    assert!(
        !hours.is_empty() && hours.iter().all(|h| *h < 12),
        "{hours:?}"
    );
    assert_eq!(reply["choices"][1]["send"], "Créneau 2");

    // The follow-up keeps the doctor and the day, and changes the part of day.
    let reply = ask(&mut socket, "et l'après-midi ?").await;
    assert_eq!(reply["intent"], "slots", "{reply}");
    let hours = offered_hours(&reply);
    assert!(
        !hours.is_empty() && hours.iter().all(|h| (12..18).contains(h)),
        "{hours:?}"
    );
    let chosen_hour = hours[1];

    // Choosing asks first; a no books nothing.
    let reply = ask(&mut socket, "Créneau 2").await;
    assert_eq!(reply["intent"], "confirm", "{reply}");
    assert_eq!(reply["choices"][0]["send"], "Oui");
    assert!(appointments_of(&app, &patient).await.is_empty());
    let reply = ask(&mut socket, "Non merci").await;
    assert_eq!(reply["intent"], "declined", "{reply}");
    assert!(appointments_of(&app, &patient).await.is_empty());
    // Nothing is pending any more: a yes now books nothing either.
    ask(&mut socket, "oui").await;
    assert!(appointments_of(&app, &patient).await.is_empty());

    // Search again, pick by the time of day, confirm: booked.
    let reply = ask(&mut socket, "après-demain après-midi avec Dr Martin").await;
    assert_eq!(reply["intent"], "slots", "{reply}");
    let reply = ask(&mut socket, &format!("celui de {chosen_hour}h")).await;
    assert_eq!(reply["intent"], "confirm", "{reply}");
    let reply = ask(&mut socket, "Oui, je confirme").await;
    assert_eq!(reply["intent"], "booked", "{reply}");
    let booked = appointments_of(&app, &patient).await;
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0].0, "pending");
    assert_eq!(booked[0].1.hour(), chosen_hour);
    assert_eq!(
        domain::assistant::when::day_label(booked[0].1.date(), true),
        later_label()
    );

    let reply = ask(&mut socket, "Quels sont mes prochains rendez-vous ?").await;
    assert_eq!(reply["intent"], "appointments", "{reply}");
    assert!(
        reply["message"].as_str().unwrap().contains("martin"),
        "{reply}"
    );

    // One appointment: cancelling goes straight to the confirmation.
    let reply = ask(&mut socket, "Je veux annuler mon rendez-vous").await;
    assert_eq!(reply["intent"], "confirm", "{reply}");
    let reply = ask(&mut socket, "oui").await;
    assert_eq!(reply["intent"], "cancelled", "{reply}");
    assert_eq!(appointments_of(&app, &patient).await[0].0, "cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn specialties_weekdays_moves_and_emergencies_in_a_conversation() {
    let app = spawn_app().await;
    let doctor = actor(&app, Role::Doctor, "dupont").await;
    {
        let mut conn = app.state.services.db().pool().acquire().await.unwrap();
        domain::store::specialties::ensure(&mut conn, "cardiology", "Cardiologie", "Cardiology")
            .await
            .unwrap();
        let id = domain::store::specialties::id_by_code(&mut conn, "cardiology")
            .await
            .unwrap();
        domain::store::specialties::set_doctor_specialty(&mut conn, doctor.id, id)
            .await
            .unwrap();
    }
    open_every_day(&app, &doctor).await;
    let patient = actor(&app, Role::Patient, "paul").await;
    let mut socket = open(&app, &patient).await;

    // A specialty with a typo, a weekday; then "et jeudi ?".
    let reply = ask(&mut socket, "je cherche un cardiologe mardi prochain").await;
    assert_eq!(reply["intent"], "slots", "{reply}");
    assert!(
        reply["message"].as_str().unwrap().contains("mardi"),
        "{reply}"
    );
    assert!(
        reply["message"].as_str().unwrap().contains("Cardiologie"),
        "{reply}"
    );
    let reply = ask(&mut socket, "et jeudi ?").await;
    assert_eq!(reply["intent"], "slots", "{reply}");
    for choice in reply["choices"].as_array().unwrap() {
        assert!(
            choice["label"].as_str().unwrap().starts_with("jeudi"),
            "{choice}"
        );
    }

    // An emergency drops what was pending, and comes first.
    ask(&mut socket, "le 1").await;
    let reply = ask(&mut socket, "j'ai une douleur dans la poitrine").await;
    assert_eq!(reply["intent"], "emergency");
    assert!(reply["message"].as_str().unwrap().contains("15"));
    ask(&mut socket, "oui").await;
    assert!(appointments_of(&app, &patient).await.is_empty());

    // English, on a date far enough ahead to move it; booked, then moved.
    let later = jiff::Timestamp::now()
        .to_zoned(TimeZone::get("Europe/Paris").unwrap())
        .date()
        .checked_add(10.days())
        .unwrap();
    let question = format!(
        "I need a cardiologist on {}/{} in the morning",
        later.day(),
        later.month()
    );
    let reply = ask(&mut socket, &question).await;
    assert_eq!(reply["intent"], "slots", "{reply}");
    assert_eq!(reply["lang"], "en");
    ask(&mut socket, "the first one").await;
    let reply = ask(&mut socket, "yes").await;
    assert_eq!(reply["intent"], "booked", "{reply}");
    let before = appointments_of(&app, &patient).await;
    assert_eq!(before.len(), 1);

    let reply = ask(&mut socket, "Je voudrais déplacer mon rendez-vous").await;
    assert_eq!(
        reply["intent"], "slots",
        "straight to the doctor's slots: {reply}"
    );
    ask(&mut socket, "le 3").await;
    let reply = ask(&mut socket, "oui").await;
    assert_eq!(reply["intent"], "rescheduled", "{reply}");
    let after = appointments_of(&app, &patient).await;
    assert_eq!(after.len(), 1, "moved, not booked twice");
    assert_ne!(after[0].1, before[0].1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_acts_for_someone_else() {
    let app = spawn_app().await;
    let doctor = actor(&app, Role::Doctor, "martin").await;
    open_every_day(&app, &doctor).await;
    let marie = actor(&app, Role::Patient, "marie").await;
    let paul = actor(&app, Role::Patient, "paul").await;

    let mut socket = open(&app, &marie).await;
    ask(&mut socket, "un rendez-vous avec le docteur Martin demain").await;
    ask(&mut socket, "le 1").await;
    assert_eq!(ask(&mut socket, "oui").await["intent"], "booked");

    // Paul's conversation sees none of Marie's appointments and cancels nothing.
    let mut other = open(&app, &paul).await;
    let reply = ask(&mut other, "annuler mon rendez-vous").await;
    assert_eq!(reply["intent"], "no_appointment", "{reply}");
    let reply = ask(&mut other, "oui").await;
    assert_ne!(reply["intent"], "cancelled");
    assert_eq!(appointments_of(&app, &marie).await[0].0, "pending");

    // A doctor, an administrator and an anonymous visitor get answers, not actions.
    let admin = actor(&app, Role::Admin, "gestion").await;
    for who in [&doctor, &admin] {
        let mut socket = open(&app, who).await;
        let reply = ask(&mut socket, "un rendez-vous avec le docteur Martin demain").await;
        assert_ne!(reply["intent"], "slots", "{}: {reply}", who.label);
        assert!(reply["choices"].as_array().unwrap().is_empty());
    }
    let url = format!("{}/ws/chatbot/", app.base.replace("http://", "ws://"));
    let (mut anonymous, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    next_json(&mut anonymous).await;
    let reply = ask(
        &mut anonymous,
        "un rendez-vous avec le docteur Martin demain",
    )
    .await;
    assert_eq!(reply["intent"], "book", "{reply}");
    assert!(
        reply["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["href"] == "/login"),
        "{reply}"
    );
    assert_eq!(appointments_of(&app, &marie).await.len(), 1);
    assert!(appointments_of(&app, &paul).await.is_empty());
}
