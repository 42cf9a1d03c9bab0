//! What a signed-in patient's questions do. A turn is, in this order: the
//! answer to a pending confirmation (yes carries the action out, no drops
//! it); a pick among the options last offered ("le 2", "celui de 9h"); an
//! intent that acts (list, cancel, move appointments); a free-slot search
//! when the question names a specialty, a doctor or a day, or follows up the
//! last search ("et jeudi ?"). Anything else is left to the offline answers.
//! Every action goes through the appointment service, with its rules.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::replies::{appointments_link, confirm, explain, kind_words};
use super::topics::acting_intent;
use super::{AssistantService, said};
use crate::accounts::UserId;
use crate::assistant::Reply;
use crate::assistant::conversation::{
    AppointmentOption, Conversation, Offered, Pending, Purpose, Search, SlotOption,
};
use crate::assistant::entities::{self, normalise};
use crate::assistant::when::{self, When};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::appointments::Action;
use crate::services::appointments::NewBooking;
use crate::services::directory::DoctorSearch;

/// Intents under which naming a specialty, a doctor or a day means "search".
const SEARCHING_INTENTS: &[&str] = &[
    "book",
    "find_doctor",
    "teleconsultation",
    "specialties",
    "opening_hours",
    "greeting",
    "waitlist",
    "pediatrics",
];

/// Zone the days of a question are read in (the platform's doctors').
pub(super) const READING_ZONE: &str = "Europe/Paris";

/// What the question says about when, read in the platform's zone.
pub(super) fn when_of(question: &str, now: Timestamp) -> DomainResult<When> {
    let zone = TimeZone::get(READING_ZONE).map_err(DomainError::internal)?;
    Ok(when::parse(question, now.to_zoned(zone).date()))
}

/// Today in the platform's zone, `YYYY-MM-DD`.
pub(super) fn today(now: Timestamp) -> DomainResult<jiff::civil::Date> {
    let zone = TimeZone::get(READING_ZONE).map_err(DomainError::internal)?;
    Ok(now.to_zoned(zone).date())
}

impl AssistantService {
    /// The answer to a pending confirmation, or a pick among the options
    /// last offered; `None` when the question is neither.
    pub(super) async fn settle(
        &self,
        patient: &Principal,
        conversation: &mut Conversation,
        question: &str,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Option<Reply>> {
        if let Some(pending) = conversation.pending.take() {
            match self.lexicon.answer(question) {
                Some(true) => {
                    return self
                        .carry_out(patient, conversation, pending, french, now)
                        .await
                        .map(Some);
                }
                Some(false) => {
                    conversation.offered = Offered::Nothing;
                    return Ok(Some(said(
                        french,
                        "D'accord, je n'ai rien changé.".into(),
                        "All right, I changed nothing.".into(),
                        "declined",
                    )));
                }
                None => {}
            }
        }
        let when = when_of(question, now)?;
        self.pick(patient, conversation, question, when, french, now)
            .await
    }

    /// [`AssistantService::act`] for a question of one topic.
    pub(super) async fn act_on(
        &self,
        patient: &Principal,
        conversation: &mut Conversation,
        question: &str,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Option<Reply>> {
        let when = when_of(question, now)?;
        let intent = self.assistant.intent(question);
        let intent = acting_intent(
            intent.as_deref(),
            question,
            conversation,
            &when,
            &self.assistant,
        );
        match intent {
            Some("cancel") => {
                return self
                    .offer_appointments(patient, conversation, Purpose::Cancel, when, french, now)
                    .await
                    .map(Some);
            }
            Some("reschedule") => {
                return self
                    .offer_appointments(
                        patient,
                        conversation,
                        Purpose::Reschedule,
                        when,
                        french,
                        now,
                    )
                    .await
                    .map(Some);
            }
            Some("my_appointments") => {
                return self.list_appointments(patient, french, now).await.map(Some);
            }
            Some("appointment_time") => {
                return self
                    .next_appointment(patient, when, french, now)
                    .await
                    .map(Some);
            }
            _ => {}
        }
        let specialty = self.lexicon.specialty(question).map(str::to_owned);
        let doctors: Vec<(UserId, String, String)> = self
            .directory
            .doctors(&DoctorSearch::default())
            .await?
            .into_iter()
            .map(|d| (d.id, d.first_name, d.last_name))
            .collect();
        let doctor = entities::doctor(question, &doctors);
        let kind = self.lexicon.consultation_type(question);
        let named = specialty.is_some() || doctor.is_some();
        let searching_intent = intent.is_none_or(|i| SEARCHING_INTENTS.contains(&i));
        let short = normalise(question).split_whitespace().count() <= 4;
        let follow_up = !named
            && conversation.search.is_some()
            && (!when.is_empty() || kind.is_some())
            && (searching_intent || short);
        if follow_up {
            let before = conversation.search.clone().unwrap_or_default();
            let search = Search {
                when: when.or(before.when),
                kind: kind.or(before.kind),
                ..before
            };
            return self
                .offer_slots(conversation, search, french, now)
                .await
                .map(Some);
        }
        let asks_booking = intent == Some("book");
        if (named && searching_intent) || (asks_booking && !when.is_empty()) {
            let search = Search {
                specialty: if doctor.is_some() { None } else { specialty },
                doctor,
                when,
                kind,
                moving: None,
            };
            return self
                .offer_slots(conversation, search, french, now)
                .await
                .map(Some);
        }
        if asks_booking {
            conversation.search = Some(Search {
                kind,
                ..Search::default()
            });
            return self.ask_specialty(conversation, french).await.map(Some);
        }
        Ok(None)
    }

    /// A pick among the options last offered, if the question makes one.
    async fn pick(
        &self,
        patient: &Principal,
        conversation: &mut Conversation,
        question: &str,
        when: When,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Option<Reply>> {
        match conversation.offered.clone() {
            Offered::Nothing => Ok(None),
            Offered::Slots(slots) => {
                // "le 3 décembre" names a day, not the third option.
                let picked = when
                    .days
                    .is_none()
                    .then(|| {
                        entities::choice(question, slots.len()).or_else(|| {
                            entities::time_of_day(question)
                                .and_then(|t| slots.iter().position(|s| s.local_time == t))
                        })
                    })
                    .flatten();
                let Some(slot) = picked.and_then(|i| slots.get(i)).cloned() else {
                    return Ok(None);
                };
                let moving = conversation.search.as_ref().and_then(|s| s.moving.clone());
                Ok(Some(self.ask_before_slot(
                    conversation,
                    slot,
                    moving,
                    french,
                )))
            }
            Offered::Appointments(purpose, options) => {
                let Some(option) = entities::choice(question, options.len())
                    .and_then(|i| options.get(i))
                    .cloned()
                else {
                    return Ok(None);
                };
                Ok(Some(
                    self.appointment_chosen(
                        patient,
                        conversation,
                        purpose,
                        option,
                        when,
                        french,
                        now,
                    )
                    .await?,
                ))
            }
            Offered::Specialties(options) => {
                let text = normalise(question);
                let picked = entities::choice(question, options.len()).or_else(|| {
                    options
                        .iter()
                        .position(|(_, name)| text.contains(normalise(name).as_str()))
                });
                let Some((code, _)) = picked.and_then(|i| options.get(i)).cloned() else {
                    return Ok(None);
                };
                let before = conversation.search.clone().unwrap_or_default();
                let search = Search {
                    specialty: Some(code),
                    doctor: None,
                    when: when.or(before.when),
                    kind: self.lexicon.consultation_type(question).or(before.kind),
                    moving: None,
                };
                self.offer_slots(conversation, search, french, now)
                    .await
                    .map(Some)
            }
        }
    }

    /// Asks for the yes before booking `slot`, or moving `moving` to it.
    fn ask_before_slot(
        &self,
        conversation: &mut Conversation,
        slot: SlotOption,
        moving: Option<AppointmentOption>,
        french: bool,
    ) -> Reply {
        let kind = kind_words(slot.kind, french);
        let reply = match &moving {
            Some(appointment) => confirm(
                format!(
                    "Je déplace votre rendez-vous du {} au {}.",
                    appointment.label, slot.label
                ),
                format!(
                    "I will move your appointment of {} to {}.",
                    appointment.label, slot.label
                ),
                french,
            ),
            None => confirm(
                format!("Je demande le rendez-vous du {} ({kind}).", slot.label),
                format!("I will request the appointment of {} ({kind}).", slot.label),
                french,
            ),
        };
        conversation.pending = Some(match moving {
            Some(appointment) => Pending::Reschedule(appointment, slot),
            None => Pending::Book(slot),
        });
        reply
    }

    /// An appointment was picked: ask before cancelling it, or search slots
    /// to move it to.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn appointment_chosen(
        &self,
        _patient: &Principal,
        conversation: &mut Conversation,
        purpose: Purpose,
        option: AppointmentOption,
        when: When,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Reply> {
        match purpose {
            Purpose::Cancel => {
                let reply = confirm(
                    format!("J'annule votre rendez-vous du {}.", option.label),
                    format!("I will cancel your appointment of {}.", option.label),
                    french,
                );
                conversation.pending = Some(Pending::Cancel(option));
                Ok(reply)
            }
            Purpose::Reschedule => {
                let search = Search {
                    doctor: Some(option.doctor_id),
                    when,
                    moving: Some(option),
                    ..Search::default()
                };
                self.offer_slots(conversation, search, french, now).await
            }
        }
    }

    /// Carries out the action the patient said yes to.
    async fn carry_out(
        &self,
        patient: &Principal,
        conversation: &mut Conversation,
        pending: Pending,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Reply> {
        conversation.offered = Offered::Nothing;
        let outcome = match &pending {
            Pending::Book(slot) => self
                .appointments
                .book(
                    patient,
                    &NewBooking {
                        doctor_id: slot.doctor_id,
                        starts_at: slot.starts_at,
                        consultation_type: slot.kind,
                        reason: String::new(),
                    },
                    now,
                )
                .await
                .map(|_| ()),
            Pending::Cancel(appointment) => self
                .appointments
                .act_without_reason(patient, appointment.id, Action::Cancel, None, now)
                .await
                .map(|_| ()),
            Pending::Reschedule(appointment, slot) => self
                .appointments
                .reschedule_without_reason(patient, appointment.id, slot.starts_at, now)
                .await
                .map(|_| ()),
        };
        if let Err(err) = outcome {
            return match err {
                DomainError::Conflict { .. } | DomainError::Validation { .. } => {
                    let why = explain(&err, french);
                    Ok(said(
                        french,
                        format!(
                            "Je n'ai pas pu le faire : {why}. Voulez-vous que je cherche un autre créneau ?"
                        ),
                        format!("I could not do it: {why}. Shall I look for another slot?"),
                        "refused",
                    ))
                }
                other => Err(other),
            };
        }
        conversation.search = None;
        let mut reply = match &pending {
            Pending::Book(slot) => said(
                french,
                format!(
                    "C'est fait : votre demande de rendez-vous du {} est envoyée. Le médecin va la confirmer ; vous serez prévenu.",
                    slot.label
                ),
                format!(
                    "Done: your request for the appointment of {} is sent. The doctor will confirm it; you will be told.",
                    slot.label
                ),
                "booked",
            ),
            Pending::Cancel(appointment) => said(
                french,
                format!(
                    "C'est fait : votre rendez-vous du {} est annulé.",
                    appointment.label
                ),
                format!(
                    "Done: your appointment of {} is cancelled.",
                    appointment.label
                ),
                "cancelled",
            ),
            Pending::Reschedule(_, slot) => said(
                french,
                format!(
                    "C'est fait : votre rendez-vous est déplacé au {}. Le médecin va confirmer le nouvel horaire.",
                    slot.label
                ),
                format!(
                    "Done: your appointment is moved to {}. The doctor will confirm the new time.",
                    slot.label
                ),
                "rescheduled",
            ),
        };
        reply.suggestions = vec![appointments_link(french)];
        Ok(reply)
    }
}
