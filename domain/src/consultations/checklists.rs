//! The codes a record's lists and choices accept, each with its French and
//! English label (the portal shows them; clients send the codes).

/// A code and how people read it.
pub type Choice = (&'static str, &'static str, &'static str);

/// The intake's symptom checklist.
pub const SYMPTOMS: &[Choice] = &[
    ("headache", "Maux de tête", "Headache"),
    ("dizziness", "Vertiges", "Dizziness"),
    ("palpitations", "Palpitations", "Palpitations"),
    ("visual_trouble", "Troubles visuels", "Visual trouble"),
    ("nocturia", "Envies d'uriner la nuit", "Nocturia"),
    ("fever", "Fièvre", "Fever"),
    ("cough", "Toux", "Cough"),
    ("chest_pain", "Douleur thoracique", "Chest pain"),
    (
        "shortness_of_breath",
        "Essoufflement",
        "Shortness of breath",
    ),
    ("fatigue", "Fatigue", "Fatigue"),
    ("nausea", "Nausées", "Nausea"),
    ("abdominal_pain", "Douleurs abdominales", "Abdominal pain"),
    ("swollen_legs", "Jambes gonflées", "Swollen legs"),
    ("weight_loss", "Perte de poids", "Weight loss"),
    ("sleep_trouble", "Troubles du sommeil", "Sleep trouble"),
];

/// Known conditions.
pub const CONDITIONS: &[Choice] = &[
    (
        "hypertension",
        "Hypertension artérielle",
        "High blood pressure",
    ),
    ("diabetes", "Diabète", "Diabetes"),
    ("epilepsy", "Épilepsie", "Epilepsy"),
    ("sickle_cell", "Drépanocytose", "Sickle cell disease"),
    ("asthma", "Asthme", "Asthma"),
    ("heart_disease", "Maladie cardiaque", "Heart disease"),
    ("kidney_disease", "Maladie rénale", "Kidney disease"),
    ("hiv", "VIH", "HIV"),
    ("hepatitis", "Hépatite", "Hepatitis"),
    ("thyroid", "Maladie de la thyroïde", "Thyroid disease"),
    ("cancer", "Cancer", "Cancer"),
];

/// Where the current medication comes from.
pub const MEDICATION_SOURCES: &[Choice] = &[
    ("prescription", "Sur ordonnance", "Prescribed"),
    ("self_medication", "Automédication", "Self-medication"),
    (
        "traditional_remedy",
        "Remède traditionnel",
        "Traditional remedy",
    ),
    ("other", "Autre", "Other"),
];

/// Tobacco, alcohol, physical activity.
pub const HABITS: &[Choice] = &[
    ("never", "Jamais", "Never"),
    ("former", "Autrefois", "Formerly"),
    ("occasional", "Occasionnellement", "Occasionally"),
    ("regular", "Régulièrement", "Regularly"),
];

/// The regions an examination covers.
pub const REGIONS: &[Choice] = &[
    ("cardiovascular", "Cardiovasculaire", "Cardiovascular"),
    ("respiratory", "Pleuro-pulmonaire", "Respiratory"),
    ("abdominal", "Abdominal", "Abdominal"),
    ("neurological", "Neurologique", "Neurological"),
    ("ent", "ORL", "Ear, nose and throat"),
    ("skin", "Cutané", "Skin"),
    ("musculoskeletal", "Ostéo-articulaire", "Musculoskeletal"),
    ("other", "Autre", "Other"),
];

/// The label of `code` in `list`, French or English; the code itself when
/// unknown.
pub fn label(list: &[Choice], code: &str, french: bool) -> &'static str {
    list.iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, fr, en)| if french { *fr } else { *en })
        .unwrap_or("")
}

/// `code` is one of `list`.
pub fn known(list: &[Choice], code: &str) -> bool {
    list.iter().any(|(c, _, _)| *c == code)
}
