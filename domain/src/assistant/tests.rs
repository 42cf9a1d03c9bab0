//! The shipped assistant on the questions of `questions.tsv`: the test part
//! replayed with floors below the measured figures (`medplat bench
//! --assistant` prints the exact ones), and the behaviours people notice.

use super::evaluation::{Part, evaluate, part, questions, training_examples};
use super::*;

#[test]
fn every_label_of_the_questions_exists() {
    let assistant = Assistant::builtin().unwrap();
    let names: Vec<&str> = assistant.intents().collect();
    let categories: Vec<&str> = detector()
        .categories()
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    let list = questions();
    assert!(list.len() >= 600, "{} questions", list.len());
    for q in &list {
        let known = match q.category() {
            Some(category) => categories.contains(&category),
            None => q
                .label
                .split('+')
                .all(|l| names.contains(&l) || l == UNKNOWN),
        };
        assert!(known, "{}: {}", q.text, q.label);
        assert!(["fr", "en"].contains(&q.lang), "{}", q.text);
    }
}

#[test]
fn the_development_sample_is_apart_and_its_labels_exist() {
    let assistant = Assistant::builtin().unwrap();
    let names: Vec<&str> = assistant.intents().collect();
    let dev = evaluation::dev();
    assert!(dev.len() >= 100, "{} questions", dev.len());
    let elsewhere: Vec<String> = questions()
        .iter()
        .chain(&evaluation::fresh())
        .map(|q| q.text.to_lowercase())
        .chain(
            training_examples()
                .into_iter()
                .map(|(t, _)| t.to_lowercase()),
        )
        .collect();
    for q in &dev {
        assert!(
            q.label.split('+').all(|l| names.contains(&l)),
            "{}: {}",
            q.text,
            q.label
        );
        assert!(["fr", "en"].contains(&q.lang), "{}", q.text);
        assert!(!elsewhere.contains(&q.text.to_lowercase()), "{}", q.text);
    }
}

#[test]
fn the_split_is_fixed_and_the_test_part_never_trains() {
    let test = part(Part::Test);
    let all = questions().len();
    assert!(
        (all * 25..=all * 35).contains(&(test.len() * 100)),
        "{} of {all} in the test part",
        test.len()
    );
    let training = training_examples();
    assert!(
        test.iter()
            .all(|q| training.iter().all(|(t, _)| *t != q.text))
    );
    // The extra examples repeat no question that is judged.
    let judged: Vec<String> = questions()
        .iter()
        .chain(&evaluation::fresh())
        .map(|q| q.text.to_lowercase())
        .collect();
    let repeated: Vec<&str> = evaluation::extra_examples()
        .into_iter()
        .map(|(t, _)| t)
        .filter(|t| judged.contains(&t.to_lowercase()))
        .collect();
    assert!(repeated.is_empty(), "{repeated:?}");
    assert!(
        training
            .iter()
            .all(|(_, label)| !label.starts_with(EMERGENCY))
    );
}

#[test]
fn the_test_part_meets_its_floors() {
    let assistant = Assistant::builtin().unwrap();
    let report = evaluate(&assistant, &part(Part::Test));
    let misses: Vec<String> = report
        .misses
        .iter()
        .map(|(q, got)| format!("{} [{}] → {got}", q.text, q.label))
        .collect();
    let explain = || format!("misses:\n{}", misses.join("\n"));
    // Floors a little under the measured figures (`medplat bench
    // --assistant` prints them): English 89.7 %, French 91.0 %.
    for (lang, floor) in [("en", 0.87), ("fr", 0.90)] {
        let tally = report.by_language[lang];
        assert!(tally.share() >= floor, "{lang}: {tally}\n{}", explain());
    }
    assert_eq!(
        report.emergency_recall.right,
        report.emergency_recall.asked,
        "{}",
        explain()
    );
    assert!(
        report.false_alarms.share() <= 0.02,
        "false alarms {}",
        report.false_alarms
    );
    assert!(
        report.off_topic_precision.share() >= 0.70,
        "off-topic precision {}\n{}",
        report.off_topic_precision,
        explain()
    );
}

#[test]
fn emergencies_always_give_the_numbers_first() {
    let assistant = Assistant::builtin().unwrap();
    for q in [
        "j'ai mal à la poitrine, comment prendre rendez-vous ?",
        "I can't breathe",
        "je veux me suicider",
        "Bonjour, ma femme ne se réveille pas",
    ] {
        let reply = assistant.reply(q, None, true);
        assert_eq!(reply.intent, EMERGENCY, "{q}");
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
fn politeness_dates_and_verbs_do_not_mislead() {
    let assistant = Assistant::builtin().unwrap();
    let intent = |q: &str| assistant.understand(q).label();
    assert_eq!(
        intent("Bonjour, pouvez-vous me rappeler la date de ma prochaine consultation ? merci"),
        "appointment_time"
    );
    assert_eq!(intent("Bonjour, j'ai perdu mon mdp"), "password");
    assert_eq!(intent("Bonjour !"), "greeting");
    assert_eq!(intent("merci beaucoup"), "thanks");
    assert_eq!(
        intent("my flight got moved so i need to call off my appointment with dr dupont"),
        "cancel"
    );
    assert_eq!(
        intent("je dois annuler mon rendez-vous chez le cardiologue"),
        "cancel"
    );
    assert_eq!(
        intent("Hi, could I get a cardiology appointment next Thursday please?"),
        "book"
    );
    assert_eq!(
        intent("Je voudrais prendre rendez-vous avec un cardiologue la semaine prochaine"),
        "book"
    );
    assert_eq!(
        intent("what time is my appointment again??"),
        "appointment_time"
    );
    assert_eq!(
        intent("jai oublié de prendre mes cachets ce matin"),
        "missed_dose"
    );
    assert_eq!(intent("what time do you close on fridays"), "opening_hours");
    // Signs told as absent or over are context, not the request.
    assert_eq!(
        intent("I fainted at a wedding two years ago, fine since then, can I book a check-up?"),
        "book"
    );
    assert_eq!(
        intent(
            "je me suis évanoui l'été dernier, ça va mieux depuis, je voudrais un rdv pour un bilan"
        ),
        "book"
    );
    // A long message: the clause that asks.
    assert_eq!(
        intent(
            "my dad is 90 and doesn't do computers, honestly it's a nightmare with him, can I book him a check-up with a GP on friday"
        ),
        "book"
    );
    assert_eq!(intent("who won the football last night"), UNKNOWN);
    assert_eq!(intent("tu connais une bonne recette de crêpes ?"), UNKNOWN);
}

#[test]
fn the_practice_answers_with_its_details() {
    let assistant = Assistant::builtin().unwrap();
    let phone = assistant.reply("c'est quoi le numéro du cabinet ?", None, true);
    assert_eq!(phone.intent, "contact");
    assert!(
        phone.message.contains("01 42 68 53 00"),
        "{}",
        phone.message
    );
    let friday = assistant.reply("what time do you close on fridays", None, false);
    assert!(
        friday.message.contains("Friday 08:00 to 18:00"),
        "{}",
        friday.message
    );
    let two = assistant.reply(
        "Quels sont vos horaires ? et aussi, où se trouve le cabinet ?",
        None,
        true,
    );
    assert_eq!(two.intent, "opening_hours+address", "{}", two.message);
    assert!(two.message.contains("rue de la Santé"));
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
    let specialties = (*Assistant::builtin().unwrap())
        .clone()
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
