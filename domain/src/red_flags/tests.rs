//! The detector on its own data and on the emergency list of
//! `questions.tsv`: every emergency phrasing raises its category, no
//! negated one raises anything.

use super::*;
use crate::assistant::evaluation::questions;

#[test]
fn the_data_reads_and_every_category_is_named_in_both_languages() {
    let d = Detector::from_toml(DATA).unwrap();
    let codes: Vec<&str> = d.categories().iter().map(|c| c.code.as_str()).collect();
    for needed in [
        "chest_pain",
        "breathing",
        "stroke",
        "unconscious",
        "seizure",
        "bleeding",
        "anaphylaxis",
        "suicide",
        "overdose",
        "burns",
        "infant_fever",
        "pregnancy",
    ] {
        assert!(codes.contains(&needed), "{needed} missing");
    }
    let mut unique = codes.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), codes.len(), "a code twice");
    assert!(
        d.categories()
            .iter()
            .all(|c| !c.fr.is_empty() && !c.en.is_empty())
    );
    let bad = DATA.replace("\"poitrine|", "\"Poitrine|");
    assert!(Detector::from_toml(&bad).is_err(), "upper case refused");
}

#[test]
fn everyday_wordings_typos_third_persons_and_negations() {
    let d = detector();
    let cases: &[(&str, &[&str])] = &[
        ("j'ai une forte douleur dans la poitrine", &["chest_pain"]),
        ("jai comme un etau sur la poitrinne", &["chest_pain"]),
        ("I feel a crushing pressure in my chest", &["chest_pain"]),
        (
            "j'ai du mal à respirer depuis ce matin et mes lèvres deviennent bleues",
            &["breathing"],
        ),
        (
            "I can't catch my breath and my lips are turning blue",
            &["breathing"],
        ),
        (
            "ma mère parle bizarrement d'un coup et elle a un côté du visage qui tombe",
            &["stroke"],
        ),
        (
            "my wife's face is drooping on one side and she can't lift her arm",
            &["stroke"],
        ),
        (
            "j'en peux plus de vivre, je pense à me foutre en l'air",
            &["suicide"],
        ),
        (
            "i dont want to be alive anymore, i've been thinking about ending it all",
            &["suicide"],
        ),
        ("mon bébé de 6 semaines a 38,5 de fièvre", &["infant_fever"]),
        ("mon fils a avalé de la javel", &["overdose"]),
        ("il ne respire plus", &["unconscious"]),
        ("he stopped breathing", &["unconscious"]),
        ("my wife is 34 weeks and bleeding", &["pregnancy"]),
    ];
    for (text, expected) in cases {
        assert_eq!(&d.codes(text), expected, "{text}");
    }
    for calm in [
        "je n'ai pas de douleur à la poitrine",
        "no chest pain, just a cough for two days",
        "pas de fièvre chez mon bébé de 2 mois, juste un rhume",
        "je voudrais mes résultats de prise de sang",
        "j'ai de la fièvre depuis 2 jours",
        "mon bébé de 8 mois a de la fièvre",
        "I have no trouble breathing",
        "the doctor is not responding to my messages",
        "my blood pressure readings",
        "la crise d'asthme est passée avec la ventoline",
        "my grandpa had a stroke a while back, is there parking?",
        "back pain for 14 weeks, can I see someone",
    ] {
        assert!(d.codes(calm).is_empty(), "{calm}: {:?}", d.codes(calm));
    }
}

#[test]
fn suicidal_thoughts_add_the_prevention_line() {
    assert_eq!(numbers(&["suicide"]), ["15", "112", "3114"]);
    assert_eq!(numbers(&["chest_pain"]), ["15", "112"]);
    assert!(numbers(&[]).is_empty());
    assert!(advice(&["suicide"], true).contains("3114"));
    assert!(advice(&["stroke"], false).starts_with("Emergency: call 15"));
}

#[test]
fn the_emergency_list_is_replayed_whole() {
    let d = detector();
    let (mut missed, mut wrong_category, mut alarms) = (Vec::new(), Vec::new(), Vec::new());
    let list = questions();
    let emergencies = list.iter().filter(|q| q.is_emergency()).count();
    assert!(emergencies >= 150, "{emergencies} emergencies");
    for q in &list {
        let codes = d.codes(q.text);
        match q.category() {
            Some(_) if codes.is_empty() => missed.push(q.text),
            Some(category) if !codes.contains(&category) => {
                wrong_category.push(format!("{} → {codes:?}", q.text));
            }
            None if !codes.is_empty() && q.kind == "negated" => {
                alarms.push(format!("{} → {codes:?}", q.text));
            }
            _ => {}
        }
    }
    assert!(
        missed.is_empty(),
        "{} emergencies missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
    assert!(
        alarms.is_empty(),
        "{} negated ones alarmed:\n{}",
        alarms.len(),
        alarms.join("\n")
    );
    // The category may differ (a stroke read as a loss of consciousness):
    // the answer is the same numbers. Few may.
    assert!(
        wrong_category.len() * 20 <= emergencies,
        "{} in another category:\n{}",
        wrong_category.len(),
        wrong_category.join("\n")
    );
}

#[test]
fn signs_told_as_absent_or_over_are_named_quiet() {
    let d = detector();
    let quiet = |text: &str| match d.reading(text) {
        Reading::Quiet(words) => words,
        Reading::Flags(codes) => panic!("{text}: {codes:?}"),
    };
    let words = quiet("je n'ai pas de douleur à la poitrine, juste un certificat");
    assert!(
        words.contains(&"douleur".to_owned()) && words.contains(&"poitrine".to_owned()),
        "{words:?}"
    );
    assert!(!words.contains(&"certificat".to_owned()), "{words:?}");
    let words = quiet("I fainted at a wedding two years ago, fine since then");
    assert!(words.contains(&"fainted".to_owned()), "{words:?}");
    assert!(quiet("what time do you open on saturday").is_empty());
    // A sign that raises its flag is a flag, not quiet.
    assert!(matches!(
        d.reading("j'ai une douleur à la poitrine"),
        Reading::Flags(codes) if codes.contains(&"chest_pain")
    ));
}

#[test]
fn a_sign_never_seen_since_is_over() {
    let d = detector();
    assert!(
        d.codes("mon fils a fait une convulsion bébé, jamais depuis, il faut quel papier pour la crèche ?")
            .is_empty()
    );
    assert!(
        d.codes("had one seizure as a teenager, none since, do I need to tell the new doctor")
            .is_empty()
    );
    // Still raised when it is happening.
    assert!(
        !d.codes("mon fils fait une convulsion, il ne répond plus")
            .is_empty()
    );
}
