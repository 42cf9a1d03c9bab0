//! The symptom checker: a patient's four symptoms and their medical profile
//! go to the active Random Forest; rules that outrank it (red flags) decide
//! the urgency; the answer names the specialty to book. Every check records
//! the model version that answered and appends to the access trail. Models
//! are data: the starting one is built from the project's knowledge base on
//! first use, administrators train others from a CSV and switch between them
//! (`models`).

mod models;

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::accounts::Role;
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::medical::{Level, MedicalProfile};
use crate::policy::Gate;
use crate::services::trail::append_in;
use crate::services::treatments::zone_of;
use crate::store::symptoms::{self as store, NewCheck};
use crate::store::{Db, db_error, profiles, readings};
use crate::symptoms::check::{Likely, SuggestedSpecialty, SymptomAnswer, SymptomRequest, Urgency};
use crate::symptoms::forest::Forest;
use crate::symptoms::knowledge::KnowledgeBase;
use crate::symptoms::triage::{self, EMERGENCY_NUMBERS, Signs};
use crate::symptoms::{Features, ForestParams};
use crate::trail::{Resource, TrailAction};
use crate::vitals::Vital;

/// Synthetic patients drawn from the knowledge base for the starting model,
/// and the seed of every draw (the same model on every machine).
pub const STARTING_SAMPLES: usize = 2000;
pub const STARTING_SEED: u64 = 2026;
/// How old a reading may be and still count (SpO2, temperature).
const RECENT: SignedDuration = SignedDuration::from_hours(24);

/// The parameters of every model the platform trains: the winner of
/// `medplat model tune` on the shared data set (5 folds of its own, 40
/// combinations; README, "Symptom checker").
pub fn training_params() -> ForestParams {
    ForestParams {
        trees: 100,
        min_samples_leaf: 2,
        features_per_split: Some(4),
        seed: STARTING_SEED,
        ..ForestParams::default()
    }
}

#[derive(Clone)]
struct Loaded {
    id: i64,
    version: String,
    forest: Arc<Forest>,
}

/// Symptom-checker operations.
#[derive(Clone)]
pub struct SymptomService {
    db: Db,
    gate: Gate,
    knowledge: Arc<KnowledgeBase>,
    /// The active model, read once (reloaded when another one is activated).
    loaded: Arc<tokio::sync::Mutex<Option<Loaded>>>,
}

fn required(field: &'static str, hint: &str) -> DomainError {
    DomainError::invalid(field, "required", hint.to_owned())
}

fn internal_ml(err: impl std::fmt::Display) -> DomainError {
    DomainError::internal(err.to_string())
}

impl SymptomService {
    pub(crate) fn new(db: Db, gate: Gate) -> DomainResult<Self> {
        Ok(Self {
            db,
            gate,
            knowledge: Arc::new(KnowledgeBase::builtin().map_err(internal_ml)?),
            loaded: Arc::new(tokio::sync::Mutex::new(None)),
        })
    }

    /// A patient checks their symptoms (seed `POST /api/symptoms/`). Age,
    /// sex and cholesterol come from their medical profile, blood pressure
    /// from the request or else the profile; `lang` words the notice.
    pub async fn check(
        &self,
        actor: &Principal,
        request: &SymptomRequest,
        lang: &str,
        now: Timestamp,
    ) -> DomainResult<SymptomAnswer> {
        if actor.role != Role::Patient {
            return Err(DomainError::Forbidden);
        }
        let patient_id = actor.user_id;
        let granted = self
            .gate
            .check(
                actor,
                TrailAction::Create,
                Resource::SymptomCheck,
                patient_id,
                None,
                now,
            )
            .await?;
        let answers = request
            .symptoms
            .as_ref()
            .ok_or_else(|| required("symptoms", "send the symptoms object"))?;
        let flag = |value: Option<bool>, field: &'static str| {
            value.ok_or_else(|| required(field, "true or false"))
        };
        let (fever, cough) = (flag(answers.fever, "fever")?, flag(answers.cough, "cough")?);
        let fatigue = flag(answers.fatigue, "fatigue")?;
        let difficulty_breathing = flag(answers.difficulty_breathing, "difficulty_breathing")?;
        let typed_pressure = match answers.blood_pressure.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Level::parse(&raw.to_ascii_lowercase()).ok_or_else(|| {
                DomainError::invalid("blood_pressure", "invalid_choice", "low, normal or high")
            })?),
        };
        if let Some(t) = answers.temperature
            && !(30.0..=45.0).contains(&t)
        {
            return Err(DomainError::invalid(
                "temperature",
                crate::bounds::OUT_OF_RANGE,
                "between 30 and 45 °C",
            ));
        }
        let other = answers.other.as_deref().unwrap_or_default();
        if other.chars().count() > 1000 {
            return Err(DomainError::invalid(
                "other",
                "too_long",
                "at most 1000 characters",
            ));
        }
        let (profile, latest) = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            (
                profiles::get(&mut conn, patient_id)
                    .await?
                    .unwrap_or_default(),
                readings::latest(&mut conn, patient_id).await?,
            )
        };
        let tz = zone_of(&self.db, patient_id).await?;
        let features = self.features(
            &profile,
            now,
            &tz,
            typed_pressure,
            [fever, cough, fatigue, difficulty_breathing],
        )?;
        let recent = |vital: Vital| {
            latest
                .iter()
                .find(|r| r.type_donnee == vital && now.duration_since(r.timestamp) <= RECENT)
                .map(|r| r.valeur)
        };
        let signs = Signs {
            fever,
            difficulty_breathing,
            chest_pain: answers.chest_pain.unwrap_or(false),
            temperature: answers.temperature.or_else(|| recent(Vital::Temperature)),
            spo2: recent(Vital::Spo2),
            age: features.age,
            other,
        };

        let model = self.model().await?;
        let forest = model.forest.clone();
        let ranked = tokio::task::spawn_blocking(move || forest.predict_proba(&features))
            .await
            .map_err(DomainError::internal)?;
        let (prediction, confidence) = ranked
            .first()
            .cloned()
            .ok_or_else(|| DomainError::internal("the model knows no class"))?;
        let english = lang.trim().to_ascii_lowercase().starts_with("en");
        let label = |name: &str| match self.knowledge.condition(name) {
            Some(c) if !english => c.name_fr.clone(),
            _ => name.to_owned(),
        };
        let top: Vec<Likely> = ranked
            .iter()
            .take(3)
            .map(|(condition, p)| Likely {
                label: label(condition),
                condition: condition.clone(),
                probability: *p,
            })
            .collect();
        let flags = triage::red_flags(&signs);
        let urgency = triage::urgency(&flags, &prediction, &signs);
        let specialty = self.specialty_for(&prediction, english).await?;
        let notice = triage::notice(lang, urgency, flags.contains(&crate::red_flags::SUICIDE));

        let features_json = serde_json::to_string(&features).map_err(DomainError::internal)?;
        let flags_json = serde_json::to_string(&flags).map_err(DomainError::internal)?;
        let mut tx = self.db.begin_write().await?;
        let check_id = store::record_check(
            &mut tx,
            &NewCheck {
                patient_id,
                model_id: model.id,
                features: &features_json,
                prediction: &prediction,
                confidence,
                urgency: urgency.as_str(),
                red_flags: &flags_json,
                specialty: &specialty.code,
            },
            now.as_millisecond(),
        )
        .await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry.on(check_id)]).await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(check_id, model = %model.version, urgency = urgency.as_str(), "symptom check");
        Ok(SymptomAnswer {
            prediction,
            confidence,
            top,
            specialty,
            urgency,
            red_flags: flags.iter().map(|f| (*f).to_owned()).collect(),
            emergency_numbers: if urgency == Urgency::Emergency {
                let mut numbers = EMERGENCY_NUMBERS.to_vec();
                if flags.contains(&crate::red_flags::SUICIDE) {
                    numbers.push(crate::red_flags::SUICIDE_LINE);
                }
                numbers.into_iter().map(str::to_owned).collect()
            } else {
                Vec::new()
            },
            notice,
            model_version: model.version,
            check_id,
        })
    }

    /// The model's input from the profile and the four answers; a missing
    /// profile field is a 400 naming it.
    fn features(
        &self,
        profile: &MedicalProfile,
        now: Timestamp,
        tz: &jiff::tz::TimeZone,
        typed_pressure: Option<Level>,
        [fever, cough, fatigue, difficulty_breathing]: [bool; 4],
    ) -> DomainResult<Features> {
        const FILL: &str = "fill it in your medical profile";
        let born = profile
            .date_of_birth
            .ok_or_else(|| required("date_of_birth", FILL))?;
        let today = now.to_zoned(tz.clone()).date();
        let age = born
            .until(today)
            .ok()
            .and_then(|span| span.total((jiff::Unit::Year, born)).ok())
            .unwrap_or(0.0)
            .floor();
        Ok(Features {
            fever,
            cough,
            fatigue,
            difficulty_breathing,
            age,
            sex: profile.sex.ok_or_else(|| required("sex", FILL))?,
            blood_pressure: typed_pressure
                .or(profile.blood_pressure_level)
                .ok_or_else(|| {
                    required(
                        "blood_pressure",
                        "low, normal or high, here or in your medical profile",
                    )
                })?,
            cholesterol: profile
                .cholesterol_level
                .ok_or_else(|| required("cholesterol_level", FILL))?,
        })
    }

    /// The condition's specialty if a doctor of the platform practises it,
    /// else general practice.
    async fn specialty_for(
        &self,
        condition: &str,
        english: bool,
    ) -> DomainResult<SuggestedSpecialty> {
        let wanted = self
            .knowledge
            .condition(condition)
            .map(|c| c.specialty.clone())
            .unwrap_or_else(|| "general".to_owned());
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        for code in [wanted.as_str(), "general"] {
            if let Some((fr, en)) = store::specialty_practised(&mut conn, code).await? {
                return Ok(SuggestedSpecialty {
                    code: code.to_owned(),
                    name: if english { en } else { fr },
                });
            }
        }
        Ok(SuggestedSpecialty {
            code: "general".into(),
            name: if english {
                "General practice"
            } else {
                "Médecine générale"
            }
            .into(),
        })
    }
}
