//! The shipped intents against the questions of `questions.tsv` (French and
//! English, with typos and without accents): each must get its intent.

use super::*;

fn questions() -> Vec<(&'static str, &'static str)> {
    sample_questions()
}

#[test]
fn the_file_parses_and_every_expected_intent_exists() {
    let assistant = Assistant::builtin().unwrap();
    let names: Vec<&str> = assistant.intents().collect();
    let list = questions();
    assert!(list.len() >= 100, "{} questions", list.len());
    for (_, expected) in &list {
        assert!(
            names.contains(expected) || ["emergency", "unknown"].contains(expected),
            "{expected}"
        );
    }
}

#[test]
fn each_question_gets_its_intent() {
    let assistant = Assistant::builtin().unwrap();
    let wrong: Vec<String> = questions()
        .into_iter()
        .filter_map(|(q, expected)| {
            let reply = assistant.reply(q, Some(Role::Patient), true);
            (reply.intent != expected).then(|| {
                format!(
                    "{q:?}: {} ({:.2}), expected {expected}",
                    reply.intent, reply.confidence
                )
            })
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn emergencies_always_give_the_numbers_first() {
    let assistant = Assistant::builtin().unwrap();
    for q in [
        "j'ai mal à la poitrine, comment prendre rendez-vous ?",
        "I can't breathe",
        "je veux me suicider",
    ] {
        let reply = assistant.reply(q, None, true);
        assert_eq!(reply.intent, "emergency", "{q}");
        assert!(
            reply.message.contains("15") && reply.message.contains("112"),
            "{q}"
        );
    }
    let suicide = assistant.reply("I want to end my life", None, true);
    assert!(suicide.message.contains("3114"));
    assert_eq!(suicide.lang, "en");
    assert!(suicide.suggestions.iter().any(|s| s.href == "tel:3114"));
}

#[test]
fn answers_follow_the_language_and_the_reader() {
    let assistant = Assistant::builtin().unwrap();
    let fr = assistant.reply(
        "Comment annuler mon rendez-vous ?",
        Some(Role::Patient),
        false,
    );
    assert_eq!((fr.intent.as_str(), fr.lang), ("cancel", "fr"));
    assert!(fr.message.contains("Mes rendez-vous"));
    assert_eq!(fr.suggestions[0].href, "/patient/appointments");
    let anonymous = assistant.reply("How do I cancel my appointment?", None, true);
    assert_eq!(anonymous.lang, "en");
    assert_eq!(anonymous.suggestions[0].href, "/login");
    let doctor = assistant.reply("où voir mes rendez-vous", Some(Role::Doctor), true);
    assert_eq!(
        doctor
            .suggestions
            .iter()
            .map(|s| s.href.as_str())
            .collect::<Vec<_>>(),
        ["/doctor/agenda"]
    );
    let specialties = Assistant::builtin()
        .unwrap()
        .with_specialties(vec![("Cardiologie".into(), "Cardiology".into())])
        .reply("Quelles spécialités proposez-vous ?", None, true);
    assert!(
        specialties.message.contains("Cardiologie"),
        "{}",
        specialties.message
    );
    let symptom = assistant.reply("j'ai mal à la tête", Some(Role::Patient), true);
    assert!(symptom.message.contains("pas poser de diagnostic"));
}
