//! Consultation records of the demo, played through the services: patients
//! prepare them (the validated ones through their last past appointment),
//! doctors examine, validate or send back, prescribe from them and add an
//! addendum, and both sides talk in the threads — so each status, the
//! doctor's queue, the PDFs and unread messages show with realistic data.

use jiff::Timestamp;
use serde_json::json;

use super::People;
use crate::accounts::Role;
use crate::auth::Principal;
use crate::consultations::{
    ConsultationChanges, Examination, Intake, NewConsultation, NewText, Rejection,
};
use crate::error::{DomainError, DomainResult};
use crate::services::Services;
use crate::store::{care, db_error};
use crate::trail::Door;
use crate::treatments::TreatmentForm;

/// Where a demo record ends.
#[derive(Clone, Copy, PartialEq)]
enum End {
    Draft,
    Submitted,
    Rejected,
    Validated,
}

/// Patient, doctor (if in their care; else their first doctor), where it
/// ends, the intake and the examination (JSON), what is prescribed, the
/// thread (patient first, then alternating).
struct Demo {
    patient: &'static str,
    doctor: &'static str,
    end: End,
    intake: fn() -> serde_json::Value,
    exam: fn() -> serde_json::Value,
    prescribe: &'static [(&'static str, i64, i64, &'static str)],
    thread: &'static [&'static str],
}

const DEMOS: &[Demo] = &[
    Demo {
        patient: "marie",
        doctor: "dr.dupont",
        end: End::Validated,
        intake: || {
            json!({
                "reason": "Toux sèche et essoufflement depuis dix jours",
                "illness_history": "Début après un rhume. Gêne surtout la nuit et en montant les escaliers.",
                "current_medication": "Ventoline au besoin",
                "medication_source": "prescription",
                "symptoms": ["cough", "shortness_of_breath", "fatigue", "sleep_trouble"],
                "conditions": ["asthma"],
                "tobacco": "never", "alcohol": "occasional", "physical_activity": "regular",
                "drug_allergies": "Pénicilline (urticaire)",
                "family_history": "Mère asthmatique",
                "concerns": "Que ce soit une pneumonie",
                "expectations": "Pouvoir dormir et reprendre la course à pied",
            })
        },
        exam: || {
            json!({
                "vitals": {"systolic_mmhg": 122, "diastolic_mmhg": 76, "heart_rate_bpm": 84, "respiratory_rate": 18,
                           "temperature_c": 37.1, "spo2_pct": 96, "weight_kg": 61, "height_cm": 166},
                "general_state": "Bon état général, apyrétique",
                "regions": {"respiratory": "Sibilants expiratoires diffus, pas de crépitants", "ent": "Gorge légèrement inflammatoire"},
                "hypotheses": "Exacerbation d'asthme post-virale ; pneumopathie peu probable",
                "diagnosis": "Exacerbation d'asthme modérée",
                "icd10_code": "J45.9",
                "treatment_plan": "Corticoïde inhalé deux fois par jour pendant un mois, Ventoline au besoin",
                "complementary_exams": "Explorations fonctionnelles respiratoires à distance",
                "recommendations": "Éviter l'effort intense une semaine ; consulter en urgence si la Ventoline ne soulage plus",
                "follow_up": "Revoir dans un mois",
            })
        },
        prescribe: &[(
            "Flixotide 250 µg",
            2,
            30,
            "Une bouffée matin et soir, se rincer la bouche après",
        )],
        thread: &[
            "Bonjour docteur, je tousse encore un peu la nuit, est-ce normal ?",
            "Bonjour, oui cela peut durer deux à trois semaines. Continuez le traitement de fond.",
            "Merci, je reviens vers vous si ça ne passe pas.",
        ],
    },
    Demo {
        patient: "paul",
        doctor: "dr.nguyen",
        end: End::Submitted,
        intake: || {
            json!({
                "reason": "Tension élevée aux mesures du matin",
                "illness_history": "Automesures entre 150/95 et 160/100 depuis deux semaines malgré l'amlodipine.",
                "current_medication": "Metformine 850 mg, Amlodipine 5 mg, Atorvastatine 20 mg",
                "medication_source": "prescription",
                "symptoms": ["headache", "nocturia", "fatigue"],
                "conditions": ["hypertension", "diabetes"],
                "tobacco": "former", "alcohol": "occasional", "physical_activity": "occasional",
                "diet": "Repas souvent pris à l'extérieur",
                "family_history": "Père : infarctus à 58 ans",
                "concerns": "Le risque d'AVC",
                "expectations": "Ajuster le traitement",
            })
        },
        exam: || json!({}),
        prescribe: &[],
        thread: &["Je joins mes automesures de la semaine si besoin."],
    },
    Demo {
        patient: "joseph",
        doctor: "dr.nguyen",
        end: End::Validated,
        intake: || {
            json!({
                "reason": "Bilan de suivi d'insuffisance cardiaque",
                "symptoms": ["swollen_legs", "shortness_of_breath"],
                "conditions": ["heart_disease", "hypertension"],
                "tobacco": "former",
            })
        },
        exam: || {
            json!({
                "vitals": {"systolic_mmhg": 128, "diastolic_mmhg": 74, "heart_rate_bpm": 64, "weight_kg": 82},
                "general_state": "Stable",
                "regions": {"cardiovascular": "Bruits du cœur réguliers, œdèmes des chevilles discrets"},
                "diagnosis": "Insuffisance cardiaque chronique stable",
                "icd10_code": "I50.9",
                "treatment_plan": "Poursuite du traitement",
                "recommendations": "Pesée deux fois par semaine, régime peu salé",
                "follow_up": "Échographie cardiaque dans six mois",
            })
        },
        prescribe: &[],
        thread: &[],
    },
    Demo {
        patient: "chloe",
        doctor: "dr.dupont",
        end: End::Rejected,
        intake: || json!({"reason": "Mal de gorge", "symptoms": ["fever"]}),
        exam: || json!({}),
        prescribe: &[],
        thread: &[],
    },
    Demo {
        patient: "ines",
        doctor: "dr.dupont",
        end: End::Submitted,
        intake: || {
            json!({
                "reason": "Vertiges au lever depuis trois jours",
                "illness_history": "Sensation que la pièce tourne en se levant, quelques secondes.",
                "symptoms": ["dizziness", "nausea"],
                "tobacco": "never",
                "concerns": "Tomber au travail",
            })
        },
        exam: || json!({}),
        prescribe: &[],
        thread: &["Les vertiges sont plus forts ce matin."],
    },
    Demo {
        patient: "sofia",
        doctor: "dr.dupont",
        end: End::Draft,
        intake: || json!({"reason": "Plaques qui démangent sur les bras", "symptoms": ["sleep_trouble"]}),
        exam: || json!({}),
        prescribe: &[],
        thread: &[],
    },
];

fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> DomainResult<T> {
    serde_json::from_value(value).map_err(DomainError::internal)
}

pub(super) async fn load(services: &Services, people: &People, now: Timestamp) -> DomainResult<()> {
    let records = &services.consultations;
    for d in DEMOS {
        let patient = people.principal(d.patient)?.entering(Door::Web, None);
        let carers = {
            let mut conn = services.db().pool().acquire().await.map_err(db_error)?;
            care::doctors_of(&mut conn, patient.user_id).await?
        };
        let named = people.id(d.doctor)?;
        let Some(doctor_id) = carers
            .iter()
            .copied()
            .find(|c| *c == named)
            .or(carers.first().copied())
        else {
            continue;
        };
        let doctor = Principal::cli(doctor_id, Role::Doctor).entering(Door::Web, None);
        // A validated record prepares the last past appointment with the doctor.
        let appointment_id: Option<i64> = if d.end == End::Validated {
            let mut conn = services.db().pool().acquire().await.map_err(db_error)?;
            sqlx::query_scalar(
                "SELECT id FROM appointments WHERE patient_id = $1 AND doctor_id = $2 \
                 AND status = 'completed' AND starts_at < $3 ORDER BY starts_at DESC LIMIT 1",
            )
            .bind(patient.user_id)
            .bind(doctor_id)
            .bind(now.as_millisecond())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?
        } else {
            None
        };
        let form = NewConsultation {
            doctor_id: Some(doctor_id),
            appointment_id,
            intake: Some(parse::<Intake>((d.intake)())?),
            ..NewConsultation::default()
        };
        let record = records.create(&patient, &form, now).await?;
        let id = record.id;
        if d.end != End::Draft {
            records.submit(&patient, id, now).await?;
        }
        match d.end {
            End::Rejected => {
                let why =
                    "Merci de préciser depuis quand dure la fièvre et la température la plus haute";
                records
                    .reject(
                        &doctor,
                        id,
                        &Rejection {
                            reason: Some(why.into()),
                        },
                        now,
                    )
                    .await?;
            }
            End::Validated => {
                let exam = ConsultationChanges {
                    examination: Some(parse::<Examination>((d.exam)())?),
                    ..ConsultationChanges::default()
                };
                records.update(&doctor, id, &exam, now).await?;
                for (name, frequency, days, instructions) in d.prescribe {
                    let form = TreatmentForm {
                        medocs_name: Some((*name).into()),
                        frequency: Some(*frequency),
                        duration_days: Some(*days),
                        instructions: Some((*instructions).into()),
                        patient_id: Some(patient.user_id),
                        consultation_id: Some(id),
                        ..TreatmentForm::default()
                    };
                    services.treatments.create(&doctor, &form, now).await?;
                }
                records.validate(&doctor, id, now).await?;
                if d.patient == "marie" {
                    let note = NewText {
                        body: Some("Résultat de la radiographie thoracique : normale.".into()),
                    };
                    records.add_addendum(&doctor, id, &note, now).await?;
                }
            }
            End::Draft | End::Submitted => {}
        }
        for (n, text) in d.thread.iter().enumerate() {
            let from = if n % 2 == 0 { &patient } else { &doctor };
            records
                .post(
                    from,
                    id,
                    &NewText {
                        body: Some((*text).into()),
                    },
                    now,
                )
                .await?;
            // Each side reads what the other wrote before answering.
            if n + 1 < d.thread.len() {
                let reader = if n % 2 == 0 { &doctor } else { &patient };
                records.messages(reader, id, now).await?;
            }
        }
    }
    Ok(())
}
