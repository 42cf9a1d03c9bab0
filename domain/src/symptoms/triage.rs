//! Rules that outrank the model: emergency signs answer "call 15 / 112"
//! whatever the forest says, and a few conditions are urgent or self-care
//! by nature. Pure functions, tested on their own.

use super::check::Urgency;

/// What the rules read besides the four symptoms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signs<'a> {
    pub fever: bool,
    pub difficulty_breathing: bool,
    pub chest_pain: bool,
    /// °C, taken by the patient or their latest reading.
    pub temperature: Option<f64>,
    /// %, the patient's latest reading (last day).
    pub spo2: Option<f64>,
    pub age: f64,
    /// The patient's own words.
    pub other: &'a str,
}

/// A temperature from which a fever is high.
pub const HIGH_FEVER: f64 = 39.0;
/// SpO2 below which breathing is an emergency (%).
pub const LOW_SPO2: f64 = 92.0;
/// Numbers to call in an emergency (France, Europe).
pub const EMERGENCY_NUMBERS: [&str; 2] = ["15", "112"];

/// Lower case without accents, for matching the patient's words.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            '’' => '\'',
            c => c,
        })
        .collect()
}

/// The red flags raised, as stable codes; empty when none. The patient's
/// own words are read by the platform's red-flag detector
/// ([`crate::red_flags`]).
pub fn red_flags(signs: &Signs<'_>) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if signs.chest_pain {
        flags.push("chest_pain");
    }
    let high_fever = signs.temperature.is_some_and(|t| t >= HIGH_FEVER);
    if signs.difficulty_breathing && signs.fever && high_fever {
        flags.push("breathing_with_high_fever");
    }
    if signs.spo2.is_some_and(|s| s < LOW_SPO2) {
        flags.push("low_spo2");
    }
    #[cfg(feature = "server")]
    for code in crate::red_flags::detector().codes(signs.other) {
        if !flags.contains(&code) {
            flags.push(code);
        }
    }
    flags
}

/// The urgency: an emergency when any red flag is raised, whatever the
/// model says; else by the likeliest condition and the patient's frailty.
pub fn urgency(flags: &[&str], likeliest: &str, signs: &Signs<'_>) -> Urgency {
    if !flags.is_empty() {
        return Urgency::Emergency;
    }
    const URGENT: &[&str] = &[
        "Stroke",
        "Pneumonia",
        "Coronary Artery Disease",
        "Chronic Obstructive Pulmonary Disease (COPD)",
        "Malaria",
        "Dengue Fever",
        "Tuberculosis",
    ];
    const SELF_CARE: &[&str] = &["Common Cold", "Allergic Rhinitis", "Sinusitis"];
    let frail = signs.age >= 75.0 || signs.age < 1.0;
    if URGENT.iter().any(|c| c.eq_ignore_ascii_case(likeliest))
        || (signs.difficulty_breathing && (signs.fever || frail))
        || (signs.fever && frail)
    {
        Urgency::Urgent
    } else if SELF_CARE.iter().any(|c| c.eq_ignore_ascii_case(likeliest))
        && !signs.difficulty_breathing
    {
        Urgency::SelfCare
    } else {
        Urgency::Consult
    }
}

/// "This is not a diagnosis", in French or English (`en…`).
pub fn notice(lang: &str, urgency: Urgency, suicidal: bool) -> String {
    let english = lang.trim().to_ascii_lowercase().starts_with("en");
    let mut text = if english {
        "This is not a diagnosis: only a doctor can make one. This estimate from your answers helps you choose whom to see and how soon."
            .to_owned()
    } else {
        "Ceci n'est pas un diagnostic : seul un médecin peut en poser un. Cette estimation à partir de vos réponses vous aide à choisir qui consulter et quand."
            .to_owned()
    };
    if urgency == Urgency::Emergency {
        text.insert_str(
            0,
            if english {
                "Emergency signs: call 15 (SAMU) or 112 now. "
            } else {
                "Signes d'urgence : appelez le 15 (SAMU) ou le 112 maintenant. "
            },
        );
    }
    if suicidal {
        text.push_str(if english {
            " If you have thoughts of suicide, call 3114 (free, 24/7)."
        } else {
            " Si vous avez des idées suicidaires, appelez le 3114 (gratuit, 24 h/24)."
        });
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signs() -> Signs<'static> {
        Signs {
            age: 40.0,
            ..Signs::default()
        }
    }

    #[test]
    fn red_flags_are_raised_by_signs_readings_and_words() {
        assert!(red_flags(&signs()).is_empty());
        let chest = Signs {
            chest_pain: true,
            ..signs()
        };
        assert_eq!(red_flags(&chest), ["chest_pain"]);
        let words = Signs {
            other: "Une DOULEUR thoracique depuis ce matin",
            ..signs()
        };
        assert_eq!(red_flags(&words), ["chest_pain"]);
        let english = Signs {
            other: "sudden chest pain",
            ..signs()
        };
        assert_eq!(red_flags(&english), ["chest_pain"]);
        let hot = Signs {
            fever: true,
            difficulty_breathing: true,
            temperature: Some(39.6),
            ..signs()
        };
        assert_eq!(red_flags(&hot), ["breathing_with_high_fever"]);
        let mild = Signs {
            temperature: Some(38.2),
            ..hot.clone()
        };
        assert!(red_flags(&mild).is_empty());
        let low = Signs {
            spo2: Some(89.0),
            ..signs()
        };
        assert_eq!(red_flags(&low), ["low_spo2"]);
        let stroke = Signs {
            other: "Il a la bouche de travers",
            ..signs()
        };
        assert_eq!(red_flags(&stroke), ["stroke"]);
        let dark = Signs {
            other: "je veux en finir",
            ..signs()
        };
        assert_eq!(red_flags(&dark), ["suicide"]);
        let strong = Signs {
            other: "j'ai une forte douleur dans la poitrine",
            ..signs()
        };
        assert_eq!(red_flags(&strong), ["chest_pain"]);
        let denied = Signs {
            other: "je n'ai pas de douleur à la poitrine",
            ..signs()
        };
        assert!(red_flags(&denied).is_empty());
    }

    #[test]
    fn a_red_flag_makes_it_an_emergency_whatever_the_model_says() {
        let chest = Signs {
            chest_pain: true,
            ..signs()
        };
        let flags = red_flags(&chest);
        assert_eq!(urgency(&flags, "Common Cold", &chest), Urgency::Emergency);
        assert_eq!(urgency(&[], "Common Cold", &signs()), Urgency::SelfCare);
        assert_eq!(urgency(&[], "Pneumonia", &signs()), Urgency::Urgent);
        let old = Signs {
            fever: true,
            age: 82.0,
            ..signs()
        };
        assert_eq!(urgency(&[], "Influenza", &old), Urgency::Urgent);
        assert_eq!(urgency(&[], "Migraine", &signs()), Urgency::Consult);
    }

    #[test]
    fn the_notice_speaks_the_readers_language_and_gives_the_numbers() {
        let fr = notice("fr-FR", Urgency::Emergency, false);
        assert!(fr.contains("pas un diagnostic") && fr.contains("15") && fr.contains("112"));
        let en = notice("en", Urgency::Consult, true);
        assert!(en.contains("not a diagnosis") && en.contains("3114") && !en.contains("112"));
    }
}
