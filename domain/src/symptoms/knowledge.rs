//! The project's own knowledge base of conditions (`domain/data/symptoms/conditions.toml`):
//! for each, its French name, the specialty to consult, and a typical patient
//! profile from which [`KnowledgeBase::samples`] draws synthetic patients.
//!
//! The profiles summarise public textbook knowledge; they are rough priors, not
//! measurements, and hold no row of any data set.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::Deserialize;
use thiserror::Error;

use super::{Features, Sample};
use crate::medical::{Level, Sex};

/// The specialty codes a condition may name.
pub const SPECIALTIES: [&str; 14] = [
    "general",
    "cardiology",
    "dermatology",
    "pediatrics",
    "gynecology",
    "psychiatry",
    "pulmonology",
    "neurology",
    "endocrinology",
    "gastroenterology",
    "rheumatology",
    "infectious_diseases",
    "nephrology",
    "urology",
];

/// The fewest synthetic patients [`KnowledgeBase::samples`] draws per condition.
pub const MIN_SAMPLES_PER_CONDITION: usize = 5;

const BUILTIN: &str = include_str!("../../data/symptoms/conditions.toml");
const OLDEST_AGE: f64 = 130.0;

/// A knowledge base that does not hold together.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KnowledgeError {
    /// The TOML text does not parse into conditions.
    #[error("the knowledge base does not parse: {0}")]
    Parse(String),
    /// A condition holds an impossible value.
    #[error("condition \"{condition}\": {message}")]
    Invalid {
        /// The condition's name.
        condition: String,
        /// What is wrong.
        message: String,
    },
}

/// How likely each symptom is at presentation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symptoms {
    /// Probability of fever.
    pub fever: f64,
    /// Probability of cough.
    pub cough: f64,
    /// Probability of fatigue.
    pub fatigue: f64,
    /// Probability of difficulty breathing.
    pub difficulty_breathing: f64,
}

/// A truncated normal distribution of ages, in years.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeProfile {
    /// Mean age.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// Youngest age drawn.
    pub min: f64,
    /// Oldest age drawn.
    pub max: f64,
}

/// One condition of the knowledge base.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// English name, as the data set spells it.
    pub name: String,
    /// French name.
    pub name_fr: String,
    /// Code of the specialty to consult, one of [`SPECIALTIES`].
    pub specialty: String,
    /// Relative weight among the conditions of the base.
    pub prevalence: f64,
    /// Probability of each symptom.
    pub symptoms: Symptoms,
    /// Age distribution.
    pub age: AgeProfile,
    /// Share of patients who are male.
    pub male_share: f64,
    /// Probabilities of low, normal and high blood pressure.
    pub blood_pressure: [f64; 3],
    /// Probabilities of low, normal and high cholesterol.
    pub cholesterol: [f64; 3],
}

/// The conditions the symptom checker knows.
#[derive(Debug, Clone, PartialEq)]
pub struct KnowledgeBase {
    conditions: Vec<Condition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    condition: Vec<Condition>,
}

impl KnowledgeBase {
    /// The knowledge base shipped inside the binary.
    pub fn builtin() -> Result<Self, KnowledgeError> {
        Self::parse(BUILTIN)
    }

    /// Parses and checks a knowledge base in the layout of `conditions.toml`.
    pub fn parse(text: &str) -> Result<Self, KnowledgeError> {
        let file: File = toml::from_str(text).map_err(|e| KnowledgeError::Parse(e.to_string()))?;
        if file.condition.is_empty() {
            return Err(KnowledgeError::Parse("no condition".into()));
        }
        for (index, condition) in file.condition.iter().enumerate() {
            check(condition)?;
            let earlier = &file.condition[..index];
            if earlier
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(&condition.name))
            {
                return Err(invalid(condition, "the name appears twice".into()));
            }
        }
        Ok(Self {
            conditions: file.condition,
        })
    }

    /// Every condition, in the order of the file.
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// The condition of that English name (case and surrounding spaces ignored).
    pub fn condition(&self, name: &str) -> Option<&Condition> {
        let name = name.trim();
        self.conditions
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Draws `total` synthetic patients (more when `total` is below
    /// [`MIN_SAMPLES_PER_CONDITION`] per condition): each condition gets that
    /// minimum, the rest is shared in proportion to prevalence. The same seed
    /// gives the same patients.
    pub fn samples(&self, total: usize, seed: u64) -> Vec<Sample> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut samples = Vec::with_capacity(total);
        for (condition, count) in self.conditions.iter().zip(self.counts(total)) {
            for _ in 0..count {
                samples.push(Sample {
                    features: draw(condition, &mut rng),
                    label: condition.name.clone(),
                });
            }
        }
        samples
    }

    /// How many patients each condition gets out of `total`.
    fn counts(&self, total: usize) -> Vec<usize> {
        let floor = MIN_SAMPLES_PER_CONDITION;
        let rest = total.saturating_sub(floor * self.conditions.len());
        let weight: f64 = self.conditions.iter().map(|c| c.prevalence).sum();
        let shares: Vec<f64> = self
            .conditions
            .iter()
            .map(|c| rest as f64 * c.prevalence / weight)
            .collect();
        let mut counts: Vec<usize> = shares.iter().map(|s| floor + s.floor() as usize).collect();
        // Hand the patients lost to rounding down to the largest remainders.
        let given: usize = counts.iter().sum::<usize>() - floor * counts.len();
        let mut order: Vec<usize> = (0..shares.len()).collect();
        order.sort_by(|&a, &b| {
            (shares[b] - shares[b].floor()).total_cmp(&(shares[a] - shares[a].floor()))
        });
        for &index in order.iter().take(rest.saturating_sub(given)) {
            counts[index] += 1;
        }
        counts
    }
}

fn check(condition: &Condition) -> Result<(), KnowledgeError> {
    let probability = |value: f64| (0.0..=1.0).contains(&value);
    if condition.name.trim().is_empty() || condition.name_fr.trim().is_empty() {
        return Err(invalid(condition, "a name is empty".into()));
    }
    if !SPECIALTIES.contains(&condition.specialty.as_str()) {
        return Err(invalid(
            condition,
            format!("unknown specialty \"{}\"", condition.specialty),
        ));
    }
    if !(condition.prevalence.is_finite() && condition.prevalence > 0.0) {
        return Err(invalid(condition, "the prevalence must be positive".into()));
    }
    let s = &condition.symptoms;
    let all = [
        s.fever,
        s.cough,
        s.fatigue,
        s.difficulty_breathing,
        condition.male_share,
    ];
    if !all.into_iter().all(probability) {
        return Err(invalid(
            condition,
            "a probability lies outside [0, 1]".into(),
        ));
    }
    for (what, levels) in [
        ("blood_pressure", condition.blood_pressure),
        ("cholesterol", condition.cholesterol),
    ] {
        if !levels.into_iter().all(probability) || (levels.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
            return Err(invalid(
                condition,
                format!("{what} must hold probabilities summing to 1"),
            ));
        }
    }
    let a = &condition.age;
    if !(0.0 <= a.min && a.min <= a.mean && a.mean <= a.max && a.max <= OLDEST_AGE && a.sd > 0.0) {
        return Err(invalid(
            condition,
            "the age needs 0 <= min <= mean <= max <= 130 and sd > 0".into(),
        ));
    }
    Ok(())
}

fn invalid(condition: &Condition, message: String) -> KnowledgeError {
    KnowledgeError::Invalid {
        condition: condition.name.clone(),
        message,
    }
}

fn draw(condition: &Condition, rng: &mut ChaCha8Rng) -> Features {
    let s = &condition.symptoms;
    Features {
        fever: rng.random_bool(s.fever),
        cough: rng.random_bool(s.cough),
        fatigue: rng.random_bool(s.fatigue),
        difficulty_breathing: rng.random_bool(s.difficulty_breathing),
        age: draw_age(&condition.age, rng),
        sex: if rng.random_bool(condition.male_share) {
            Sex::Male
        } else {
            Sex::Female
        },
        blood_pressure: draw_level(condition.blood_pressure, rng),
        cholesterol: draw_level(condition.cholesterol, rng),
    }
}

/// A whole number of years from the truncated normal distribution.
fn draw_age(profile: &AgeProfile, rng: &mut ChaCha8Rng) -> f64 {
    for _ in 0..32 {
        // Box–Muller: rand without rand_distr has no normal distribution.
        let u1: f64 = 1.0 - rng.random::<f64>();
        let u2: f64 = rng.random();
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        let age = (profile.mean + profile.sd * z).round();
        if (profile.min..=profile.max).contains(&age) {
            return age;
        }
    }
    profile.mean.round().clamp(profile.min, profile.max)
}

fn draw_level(probabilities: [f64; 3], rng: &mut ChaCha8Rng) -> Level {
    let u: f64 = rng.random();
    if u < probabilities[0] {
        Level::Low
    } else if u < probabilities[0] + probabilities[1] {
        Level::Normal
    } else {
        Level::High
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_base_parses_and_holds_probabilities() {
        let base = KnowledgeBase::builtin().unwrap();
        assert!(base.conditions().len() >= 25);
        for c in base.conditions() {
            let s = &c.symptoms;
            for p in [
                s.fever,
                s.cough,
                s.fatigue,
                s.difficulty_breathing,
                c.male_share,
            ] {
                assert!((0.0..=1.0).contains(&p), "{}: {p}", c.name);
            }
            for levels in [c.blood_pressure, c.cholesterol] {
                assert!(levels.iter().all(|p| (0.0..=1.0).contains(p)), "{}", c.name);
                assert!(
                    (levels.iter().sum::<f64>() - 1.0).abs() < 1e-9,
                    "{}",
                    c.name
                );
            }
            assert!(SPECIALTIES.contains(&c.specialty.as_str()), "{}", c.name);
        }
        for name in [
            "Influenza",
            "Common Cold",
            "Asthma",
            "Coronary Artery Disease",
            "Anemia",
        ] {
            assert!(base.condition(name).is_some(), "{name}");
        }
    }

    #[test]
    fn finds_a_condition_whatever_the_case() {
        let base = KnowledgeBase::builtin().unwrap();
        let flu = base.condition("  influenza ").unwrap();
        assert_eq!(
            (flu.name_fr.as_str(), flu.specialty.as_str()),
            ("Grippe", "general")
        );
        assert!(base.condition("Dragon pox").is_none());
    }

    #[test]
    fn samples_are_reproducible_and_cover_every_condition() {
        let base = KnowledgeBase::builtin().unwrap();
        let samples = base.samples(1000, 7);
        assert_eq!(samples.len(), 1000);
        assert_eq!(samples, base.samples(1000, 7));
        assert_ne!(samples, base.samples(1000, 8));
        for c in base.conditions() {
            let n = samples.iter().filter(|s| s.label == c.name).count();
            assert!(n >= MIN_SAMPLES_PER_CONDITION, "{}: {n}", c.name);
            let ages = samples
                .iter()
                .filter(|s| s.label == c.name)
                .map(|s| s.features.age);
            assert!(
                ages.into_iter()
                    .all(|a| (c.age.min..=c.age.max).contains(&a)),
                "{}",
                c.name
            );
        }
        let tiny = base.samples(3, 1);
        assert_eq!(
            tiny.len(),
            MIN_SAMPLES_PER_CONDITION * base.conditions().len()
        );
    }

    #[test]
    fn rejects_impossible_values() {
        let good = "[[condition]]\nname = \"X\"\nname_fr = \"X\"\nspecialty = \"general\"\n\
            prevalence = 1.0\nsymptoms = { fever = 0.5, cough = 0.5, fatigue = 0.5, difficulty_breathing = 0.5 }\n\
            age = { mean = 30.0, sd = 5.0, min = 0.0, max = 90.0 }\nmale_share = 0.5\n\
            blood_pressure = [0.2, 0.5, 0.3]\ncholesterol = [0.2, 0.5, 0.3]\n";
        assert!(KnowledgeBase::parse(good).is_ok());
        let bad_level = good.replace(
            "cholesterol = [0.2, 0.5, 0.3]",
            "cholesterol = [0.2, 0.5, 0.4]",
        );
        assert!(matches!(
            KnowledgeBase::parse(&bad_level),
            Err(KnowledgeError::Invalid { .. })
        ));
        let bad_specialty = good.replace("\"general\"", "\"astrology\"");
        assert!(KnowledgeBase::parse(&bad_specialty).is_err());
        let bad_probability = good.replace("fever = 0.5", "fever = 1.5");
        assert!(KnowledgeBase::parse(&bad_probability).is_err());
        assert!(matches!(
            KnowledgeBase::parse("nonsense = ["),
            Err(KnowledgeError::Parse(_))
        ));
    }
}
