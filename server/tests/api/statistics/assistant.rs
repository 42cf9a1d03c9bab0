//! The assistant's answers counted by kind, without keeping any question.

use super::stats;
use crate::common::spawn_app;
use domain::accounts::Role;

#[tokio::test]
async fn the_assistant_counts_answers_by_kind_and_keeps_no_question() {
    let app = spawn_app().await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "chef").await;
    let assistant = &app.state.services.assistant;
    let mut intents = Vec::new();
    for question in [
        "Comment prendre rendez-vous ?",
        "J'ai une douleur thoracique très forte et je n'arrive plus à respirer",
        "Quelle est la capitale de l'Australie ?",
        "zzzz",
    ] {
        intents.push(assistant.reply(None, question, true).await.unwrap().intent);
    }
    let unknown = intents.iter().filter(|i| *i == "unknown").count() as i64;
    let (status, s) = stats(&app, &admin, "").await;
    assert_eq!(status, 200, "{s}");
    let a = &s["assistant"];
    assert_eq!(
        (a["answers"].as_i64(), a["emergencies"].as_i64()),
        (Some(4), Some(1)),
        "{a} {intents:?}"
    );
    assert_eq!(
        a["not_understood"].as_i64(),
        Some(unknown),
        "{a} {intents:?}"
    );
    assert_eq!(
        a["understood"].as_i64(),
        Some(3 - unknown),
        "{a} {intents:?}"
    );
    let kept: Vec<(i64, String, String, i64)> =
        sqlx::query_as("SELECT hour, outcome, lang, count FROM assistant_usage")
            .fetch_all(app.state.services.db().pool())
            .await
            .unwrap();
    assert!(kept.iter().all(|(hour, ..)| hour % 3_600_000 == 0));
    assert_eq!(kept.iter().map(|r| r.3).sum::<i64>(), 4);
}
