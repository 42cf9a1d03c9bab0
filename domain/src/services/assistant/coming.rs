//! The patient's coming appointments in a conversation: listed, or offered
//! to cancel or move (straight to the one when there is a single one).

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::actions::READING_ZONE;
use super::replies::appointments_link;
use super::{AssistantService, button, link, said};
use crate::assistant::Reply;
use crate::assistant::conversation::{AppointmentOption, Conversation, Offered, Purpose};
use crate::assistant::when::{When, day_label};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::appointments::AppointmentStatus;

impl AssistantService {
    /// The patient's coming appointments as options to cancel or move; with
    /// a single one (or a single one on the day named), straight to it.
    pub(super) async fn offer_appointments(
        &self,
        patient: &Principal,
        conversation: &mut Conversation,
        purpose: Purpose,
        when: When,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Reply> {
        let mut options = self.coming(patient, french, now).await?;
        if options.is_empty() {
            conversation.offered = Offered::Nothing;
            let mut reply = said(
                french,
                "Vous n'avez aucun rendez-vous à venir.".into(),
                "You have no coming appointment.".into(),
                "no_appointment",
            );
            reply.suggestions = vec![link(
                french,
                "/patient/doctors",
                "Trouver un médecin",
                "Find a doctor",
            )];
            return Ok(reply);
        }
        if let Some(days) = when.days {
            let on_day: Vec<AppointmentOption> = options
                .iter()
                .filter(|(_, day)| (days.first..=days.last).contains(day))
                .map(|(o, _)| o.clone())
                .collect();
            if on_day.len() == 1 {
                options.retain(|(o, _)| o.id == on_day[0].id);
            }
        }
        let options: Vec<AppointmentOption> = options.into_iter().map(|(o, _)| o).collect();
        if let [only] = options.as_slice() {
            // The day named was the appointment's, not the new slot's.
            let when = When { days: None, ..when };
            return self
                .appointment_chosen(
                    patient,
                    conversation,
                    purpose,
                    only.clone(),
                    when,
                    french,
                    now,
                )
                .await;
        }
        let lines: Vec<String> = options
            .iter()
            .enumerate()
            .map(|(i, o)| format!("{}. {}", i + 1, o.label))
            .collect();
        let (fr, en) = match purpose {
            Purpose::Cancel => (
                "Quel rendez-vous voulez-vous annuler ?",
                "Which appointment do you want to cancel?",
            ),
            Purpose::Reschedule => (
                "Quel rendez-vous voulez-vous déplacer ?",
                "Which appointment do you want to move?",
            ),
        };
        let mut reply = said(
            french,
            format!("{fr}\n{}", lines.join("\n")),
            format!("{en}\n{}", lines.join("\n")),
            "choose_appointment",
        );
        reply.choices = options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let send = if french {
                    format!("Rendez-vous {}", i + 1)
                } else {
                    format!("Appointment {}", i + 1)
                };
                button(o.label.clone(), send)
            })
            .collect();
        conversation.offered = Offered::Appointments(purpose, options);
        Ok(reply)
    }

    /// The patient's coming appointments, labelled, with their local day.
    async fn coming(
        &self,
        patient: &Principal,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Vec<(AppointmentOption, jiff::civil::Date)>> {
        let rows = self
            .appointments
            .coming_without_reasons(patient, now)
            .await?;
        let names = self.appointments.names(&rows).await?;
        let zone = TimeZone::get(READING_ZONE).map_err(DomainError::internal)?;
        Ok(rows
            .into_iter()
            .map(|a| {
                let local = a.starts_at.to_zoned(zone.clone());
                let doctor = names.get(&a.doctor_id).cloned().unwrap_or_default();
                let waiting = match (a.status == AppointmentStatus::Pending, french) {
                    (true, true) => " (en attente de confirmation)",
                    (true, false) => " (awaiting confirmation)",
                    _ => "",
                };
                let label = format!(
                    "{} {} · Dr {doctor}{waiting}",
                    day_label(local.date(), french),
                    local.strftime("%H:%M"),
                );
                (
                    AppointmentOption {
                        id: a.id,
                        doctor_id: a.doctor_id,
                        label,
                    },
                    local.date(),
                )
            })
            .collect())
    }

    /// The patient's coming appointments, as a list.
    pub(super) async fn list_appointments(
        &self,
        patient: &Principal,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Reply> {
        let coming = self.coming(patient, french, now).await?;
        let mut reply = if coming.is_empty() {
            said(
                french,
                "Vous n'avez aucun rendez-vous à venir.".into(),
                "You have no coming appointment.".into(),
                "appointments",
            )
        } else {
            let lines: Vec<String> = coming
                .iter()
                .map(|(o, _)| format!("• {}", o.label))
                .collect();
            said(
                french,
                format!("Vos prochains rendez-vous :\n{}", lines.join("\n")),
                format!("Your coming appointments:\n{}", lines.join("\n")),
                "appointments",
            )
        };
        reply.suggestions = vec![appointments_link(french)];
        Ok(reply)
    }

    /// When the patient's next appointment is (or those of the day named):
    /// the answer itself, not a page to look it up.
    pub(super) async fn next_appointment(
        &self,
        patient: &Principal,
        when: When,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Reply> {
        let coming = self.coming(patient, french, now).await?;
        let picked: Vec<&AppointmentOption> = match when.days {
            Some(days) => coming
                .iter()
                .filter(|(_, day)| (days.first..=days.last).contains(day))
                .map(|(o, _)| o)
                .collect(),
            None => coming.first().map(|(o, _)| o).into_iter().collect(),
        };
        let mut reply = match (picked.as_slice(), when.days.is_some()) {
            ([], false) => said(
                french,
                "Vous n'avez aucun rendez-vous à venir.".into(),
                "You have no coming appointment.".into(),
                "appointment_time",
            ),
            ([], true) => said(
                french,
                "Vous n'avez pas de rendez-vous ce jour-là.".into(),
                "You have no appointment that day.".into(),
                "appointment_time",
            ),
            ([only], false) => said(
                french,
                format!("Votre prochain rendez-vous : {}.", only.label),
                format!("Your next appointment: {}.", only.label),
                "appointment_time",
            ),
            ([only], true) => said(
                french,
                format!("Votre rendez-vous : {}.", only.label),
                format!("Your appointment: {}.", only.label),
                "appointment_time",
            ),
            (several, _) => {
                let lines: Vec<String> = several.iter().map(|o| format!("• {}", o.label)).collect();
                said(
                    french,
                    format!("Vos rendez-vous ce jour-là :\n{}", lines.join("\n")),
                    format!("Your appointments that day:\n{}", lines.join("\n")),
                    "appointment_time",
                )
            }
        };
        reply.suggestions = vec![appointments_link(french)];
        Ok(reply)
    }
}
