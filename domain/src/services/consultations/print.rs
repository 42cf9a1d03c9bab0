//! Printable documents: the report of a validated record and the
//! prescription written from a record, each with the doctor's letterhead
//! (name, specialty, address, telephone) and the clinic's name, in French or
//! English. Downloading one is an export in the access trail.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{ConsultationService, sections};
use crate::auth::Principal;
use crate::consultations::checklists::{
    CONDITIONS, Choice, HABITS, MEDICATION_SOURCES, REGIONS, SYMPTOMS, label,
};
use crate::consultations::{ConsultationStatus, Examination, Intake, PrescribedLine};
use crate::error::{DomainError, DomainResult};
use crate::pdf::{PdfDocument, PdfSection, render};
use crate::services::trail::NewEntry;
use crate::services::treatments::zone_of;
use crate::store::consultations::{self as store, StoredConsultation};
use crate::store::{db_error, doctors};
use crate::trail::{Resource, TrailAction};

/// A document ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// French or English wording.
fn w(french: bool, fr: &'static str, en: &'static str) -> &'static str {
    if french { fr } else { en }
}

fn day(at: Timestamp, tz: &TimeZone, french: bool) -> String {
    let zoned = at.to_zoned(tz.clone());
    if french {
        zoned.strftime("%d/%m/%Y").to_string()
    } else {
        zoned.strftime("%Y-%m-%d").to_string()
    }
}

fn instant(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// `label: text` lines for the texts present.
fn lines(pairs: &[(&str, &Option<String>)]) -> Vec<String> {
    pairs
        .iter()
        .filter_map(|(label, value)| value.as_ref().map(|v| format!("{label} : {v}")))
        .collect()
}

fn labels(list: &[Choice], codes: &[String], french: bool) -> String {
    codes
        .iter()
        .map(|c| label(list, c, french))
        .collect::<Vec<_>>()
        .join(", ")
}

fn intake_sections(intake: &Intake, f: bool) -> Vec<PdfSection> {
    let source = intake
        .medication_source
        .as_deref()
        .map(|c| label(MEDICATION_SOURCES, c, f).to_owned());
    let habit = |v: &Option<String>| v.as_deref().map(|c| label(HABITS, c, f).to_owned());
    let symptoms = (!intake.symptoms.is_empty()).then(|| labels(SYMPTOMS, &intake.symptoms, f));
    let conditions =
        (!intake.conditions.is_empty()).then(|| labels(CONDITIONS, &intake.conditions, f));
    vec![
        PdfSection {
            heading: w(f, "Motif et histoire de la maladie", "Reason and history").into(),
            paragraphs: lines(&[
                (w(f, "Motif", "Reason"), &intake.reason),
                (
                    w(f, "Histoire de la maladie", "History of the illness"),
                    &intake.illness_history,
                ),
                (w(f, "Symptômes", "Symptoms"), &symptoms),
                (
                    w(f, "Traitement en cours", "Current medication"),
                    &intake.current_medication,
                ),
                (w(f, "Origine du traitement", "Medication from"), &source),
            ]),
        },
        PdfSection {
            heading: w(f, "Antécédents et mode de vie", "History and lifestyle").into(),
            paragraphs: lines(&[
                (w(f, "Antécédents", "Known conditions"), &conditions),
                (
                    w(f, "Allergies médicamenteuses", "Drug allergies"),
                    &intake.drug_allergies,
                ),
                (
                    w(f, "Antécédents familiaux", "Family history"),
                    &intake.family_history,
                ),
                (w(f, "Tabac", "Tobacco"), &habit(&intake.tobacco)),
                (w(f, "Alcool", "Alcohol"), &habit(&intake.alcohol)),
                (
                    w(f, "Activité physique", "Physical activity"),
                    &habit(&intake.physical_activity),
                ),
                (w(f, "Alimentation", "Diet"), &intake.diet),
                (w(f, "Craintes", "Concerns"), &intake.concerns),
                (w(f, "Attentes", "Expectations"), &intake.expectations),
            ]),
        },
    ]
}

fn vitals_line(exam: &Examination, f: bool) -> Option<String> {
    let v = &exam.vitals;
    let mut parts = Vec::new();
    if let (Some(s), Some(d)) = (v.systolic_mmhg, v.diastolic_mmhg) {
        parts.push(format!("{} {s}/{d} mmHg", w(f, "TA", "BP")));
    }
    let items = [
        (v.heart_rate_bpm, w(f, "FC", "HR"), "/min"),
        (v.respiratory_rate, w(f, "FR", "RR"), "/min"),
        (v.temperature_c, "T", " °C"),
        (v.spo2_pct, "SpO2", " %"),
        (v.weight_kg, w(f, "Poids", "Weight"), " kg"),
        (v.height_cm, w(f, "Taille", "Height"), " cm"),
    ];
    for (value, name, unit) in items {
        if let Some(value) = value {
            parts.push(format!("{name} {value}{unit}"));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn examination_sections(exam: &Examination, f: bool) -> Vec<PdfSection> {
    let vitals = vitals_line(exam, f);
    let mut found = lines(&[
        (w(f, "Constantes", "Vital signs"), &vitals),
        (w(f, "État général", "General state"), &exam.general_state),
    ]);
    for (region, findings) in &exam.regions {
        found.push(format!("{} : {findings}", label(REGIONS, region, f)));
    }
    let diagnosis = match (&exam.diagnosis, &exam.icd10_code) {
        (Some(d), Some(code)) => Some(format!("{d} (CIM-10 {code})")),
        (d, _) => d.clone(),
    };
    vec![
        PdfSection {
            heading: w(f, "Examen clinique", "Examination").into(),
            paragraphs: found,
        },
        PdfSection {
            heading: w(f, "Conclusion", "Conclusion").into(),
            paragraphs: lines(&[
                (w(f, "Hypothèses", "Hypotheses"), &exam.hypotheses),
                (w(f, "Diagnostic", "Diagnosis"), &diagnosis),
                (
                    w(f, "Examens proposés", "Tests proposed"),
                    &exam.tests_proposed,
                ),
                (
                    w(f, "Examens complémentaires", "Complementary examinations"),
                    &exam.complementary_exams,
                ),
                (
                    w(f, "Conduite à tenir", "Treatment plan"),
                    &exam.treatment_plan,
                ),
                (
                    w(f, "Recommandations", "Recommendations"),
                    &exam.recommendations,
                ),
                (w(f, "Suivi", "Follow-up"), &exam.follow_up),
            ]),
        },
    ]
}

fn prescription_line(line: &PrescribedLine, f: bool) -> String {
    let mut text = if f {
        format!(
            "{} — {} prise(s) par jour pendant {} jour(s)",
            line.medocs_name, line.frequency, line.duration_days
        )
    } else {
        format!(
            "{} — {} dose(s) a day for {} day(s)",
            line.medocs_name, line.frequency, line.duration_days
        )
    };
    if let Some(instructions) = &line.instructions {
        text.push_str(&format!("\n{instructions}"));
    }
    text
}

impl ConsultationService {
    /// The letterhead of the doctor who signs, the patient's zone, and the
    /// record, once the actor may export it.
    async fn printable(
        &self,
        actor: &Principal,
        id: i64,
        now: Timestamp,
    ) -> DomainResult<(StoredConsultation, Vec<String>, TimeZone, NewEntry)> {
        let (stored, granted) = self
            .checked(actor, id, TrailAction::Export, Resource::Consultation, now)
            .await?;
        let signer = stored.validated_by.as_ref().unwrap_or(&stored.doctor).id;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let doctor = doctors::doctor(&mut conn, signer).await?;
        drop(conn);
        let mut letterhead = Vec::new();
        if let Some(d) = doctor {
            let specialty = d
                .specialty
                .as_ref()
                .map(|s| format!(" — {}", s.name_fr))
                .unwrap_or_default();
            letterhead.push(format!("Dr {} {}{specialty}", d.first_name, d.last_name));
            letterhead.extend(
                [d.address, d.phone]
                    .into_iter()
                    .filter(|l| !l.trim().is_empty()),
            );
        }
        // The clinic as the platform settings name it now.
        let clinic = self.settings.current();
        letterhead.push(format!(
            "{} — {} — {}",
            clinic.clinic_name, clinic.clinic_address, clinic.clinic_phone
        ));
        let tz = zone_of(&self.db, stored.patient.id).await?;
        Ok((stored, letterhead, tz, granted.entry))
    }

    /// The report of a validated record (409 before validation).
    pub async fn record_pdf(
        &self,
        actor: &Principal,
        id: i64,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Printed> {
        // The status is checked after the policy: a stranger learns nothing.
        let (stored, letterhead, tz, entry) = self.printable(actor, id, now).await?;
        if stored.status != ConsultationStatus::Validated {
            return Err(DomainError::Conflict {
                field: None,
                code: "not_validated",
                message: "only a validated record is printed".into(),
            });
        }
        let (intake, examination) = sections(&stored)?;
        let f = french;
        let mut sections = intake_sections(&intake, f);
        sections.extend(examination_sections(&examination, f));
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let prescriptions = store::prescriptions(&mut conn, id).await?;
        let addenda = store::addenda(&mut conn, id).await?;
        sections.push(PdfSection {
            heading: w(f, "Prescriptions", "Prescriptions").into(),
            paragraphs: prescriptions
                .iter()
                .map(|l| prescription_line(l, f))
                .collect(),
        });
        sections.push(PdfSection {
            heading: w(f, "Addenda", "Addenda").into(),
            paragraphs: addenda
                .iter()
                .map(|a| {
                    format!(
                        "{} — Dr {} :\n{}",
                        day(a.created_at, &tz, f),
                        a.author.name,
                        a.body
                    )
                })
                .collect(),
        });
        let validated = match (&stored.validated_by, stored.validated_at_ms) {
            (Some(by), Some(at)) => format!(
                "{} Dr {} {} {}",
                w(f, "Validé par", "Validated by"),
                by.name,
                w(f, "le", "on"),
                day(instant(at), &tz, f)
            ),
            _ => String::new(),
        };
        let doc = PdfDocument {
            letterhead,
            title: w(f, "Compte rendu de consultation", "Consultation report").into(),
            subtitle: Some(format!(
                "{} : {} — {} {}",
                w(f, "Patient", "Patient"),
                stored.patient.name,
                w(f, "consultation du", "consultation of"),
                day(
                    instant(
                        stored
                            .appointment_starts_at_ms
                            .unwrap_or(stored.created_at_ms)
                    ),
                    &tz,
                    f
                )
            )),
            sections,
            footer: format!("{} n° {id} — {validated}", w(f, "Fiche", "Record")),
        };
        self.gate.trail().record(vec![entry]).await?;
        Ok(Printed {
            file_name: format!("{}-{id}.pdf", w(f, "compte-rendu", "report")),
            bytes: render(&doc),
        })
    }

    /// The prescription written from a record (404 when none was).
    pub async fn prescription_pdf(
        &self,
        actor: &Principal,
        id: i64,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Printed> {
        let (stored, letterhead, tz, entry) = self.printable(actor, id, now).await?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let lines = store::prescriptions(&mut conn, id).await?;
        if lines.is_empty() {
            return Err(DomainError::NotFound("prescription"));
        }
        let f = french;
        let doc = PdfDocument {
            letterhead,
            title: w(f, "Ordonnance", "Prescription").into(),
            subtitle: Some(format!(
                "{} : {} — {}",
                w(f, "Patient", "Patient"),
                stored.patient.name,
                day(now, &tz, f)
            )),
            sections: vec![PdfSection {
                heading: w(f, "Traitements prescrits", "Treatments prescribed").into(),
                paragraphs: lines.iter().map(|l| prescription_line(l, f)).collect(),
            }],
            footer: format!("{} n° {id}", w(f, "Fiche", "Record")),
        };
        self.gate.trail().record(vec![entry]).await?;
        Ok(Printed {
            file_name: format!("{}-{id}.pdf", w(f, "ordonnance", "prescription")),
            bytes: render(&doc),
        })
    }
}
