//! What an SMS, a WhatsApp message or an e-mail says, written at sending
//! time in the reader's language and time zone from the data stored with the
//! message (never a sentence stored in one language). Messages name no
//! illness, reading or treatment: they say what happened and where to read
//! more.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{REMINDER_KIND, Reminder};
use crate::assistant::when::day_label;
use crate::error::{DomainError, DomainResult};
use crate::notifications::Notice;
use crate::settings::PlatformSettings;

/// A message ready to go: a subject (for e-mail) and a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worded {
    pub subject: String,
    pub text: String,
}

/// How the reader reads (language and time zone) and whom from: the clinic,
/// named first in every message.
#[derive(Debug, Clone)]
pub struct Reader {
    pub french: bool,
    pub zone: TimeZone,
    pub sender: String,
}

impl Reader {
    /// `language` (`fr`/`en`) and `zone` (an IANA name), else the clinic's
    /// defaults from its settings; the clinic's name as the sender.
    pub fn new(language: Option<&str>, zone: Option<&str>, clinic: &PlatformSettings) -> Self {
        let language = language.unwrap_or(&clinic.language);
        Self {
            french: language != "en",
            zone: zone
                .and_then(|z| TimeZone::get(z).ok())
                .or_else(|| TimeZone::get(&clinic.time_zone).ok())
                .unwrap_or(TimeZone::UTC),
            sender: clinic.clinic_name.clone(),
        }
    }

    /// "mardi 8 décembre à 09:30" / "Tuesday 8 December at 09:30".
    fn moment(&self, at: Timestamp) -> String {
        let local = at.to_zoned(self.zone.clone());
        let day = day_label(local.date(), self.french);
        let time = format!("{:02}:{:02}", local.hour(), local.minute());
        if self.french {
            format!("{day} à {time}")
        } else {
            format!("{day} at {time}")
        }
    }

    fn pick(&self, fr: String, en: String) -> String {
        if self.french { fr } else { en }
    }
}

/// Words the message of `kind` with `data` (as stored) for `reader`.
pub fn word(kind: &str, data: &str, reader: &Reader) -> DomainResult<Worded> {
    if kind == REMINDER_KIND {
        let reminder: Reminder = serde_json::from_str(data).map_err(DomainError::internal)?;
        return Ok(reminded(&reminder, reader));
    }
    let notice: Notice = serde_json::from_str(data).map_err(DomainError::internal)?;
    noticed(&notice, reader).ok_or_else(|| DomainError::internal(format!("no wording for {kind}")))
}

fn reminded(r: &Reminder, reader: &Reader) -> Worded {
    let when = reader.moment(r.starts_at);
    let doctor = &r.doctor_name;
    let sender = &reader.sender;
    Worded {
        subject: reader.pick(
            format!("Rappel : rendez-vous {when}"),
            format!("Reminder: appointment {when}"),
        ),
        text: reader.pick(
            format!(
                "{sender} — Rappel : rendez-vous avec {doctor} {when}. \
                 Pour l'annuler ou le déplacer, ouvrez votre espace patient."
            ),
            format!(
                "{sender} — Reminder: appointment with {doctor} on {when}. \
                 To cancel or move it, open your patient space."
            ),
        ),
    }
}

/// The notices that leave the portals, worded; `None` for those that stay
/// in the portals.
pub fn noticed(notice: &Notice, reader: &Reader) -> Option<Worded> {
    let (subject, text) = match notice {
        Notice::AppointmentConfirmed {
            doctor_name,
            starts_at,
            ..
        } => {
            let when = reader.moment(*starts_at);
            (
                reader.pick(
                    "Rendez-vous confirmé".into(),
                    "Appointment confirmed".into(),
                ),
                reader.pick(
                    format!("Votre rendez-vous avec {doctor_name} le {when} est confirmé."),
                    format!("Your appointment with {doctor_name} on {when} is confirmed."),
                ),
            )
        }
        Notice::AppointmentRefused {
            doctor_name,
            starts_at,
            ..
        } => {
            let when = reader.moment(*starts_at);
            (
                reader.pick(
                    "Demande de rendez-vous non retenue".into(),
                    "Appointment request declined".into(),
                ),
                reader.pick(
                    format!(
                        "{doctor_name} ne peut pas vous recevoir le {when}. \
                         Choisissez un autre créneau dans votre espace patient."
                    ),
                    format!(
                        "{doctor_name} cannot see you on {when}. \
                         Pick another time in your patient space."
                    ),
                ),
            )
        }
        Notice::AppointmentCancelled {
            by_name, starts_at, ..
        } => {
            let when = reader.moment(*starts_at);
            (
                reader.pick("Rendez-vous annulé".into(), "Appointment cancelled".into()),
                reader.pick(
                    format!("Le rendez-vous du {when} a été annulé par {by_name}."),
                    format!("The appointment on {when} was cancelled by {by_name}."),
                ),
            )
        }
        Notice::WaitlistOffer {
            doctor_name,
            starts_at,
            expires_at,
            ..
        } => {
            let when = reader.moment(*starts_at);
            let until = reader.moment(*expires_at);
            (
                reader.pick("Une place s'est libérée".into(), "A place is free".into()),
                reader.pick(
                    format!(
                        "Une place s'est libérée avec {doctor_name} le {when}. \
                         Elle vous est réservée jusqu'au {until} : confirmez-la dans votre espace patient."
                    ),
                    format!(
                        "A place is free with {doctor_name} on {when}. \
                         It is held for you until {until}: confirm it in your patient space."
                    ),
                ),
            )
        }
        Notice::ConsultationMessage { from_name, .. } | Notice::ChatMessage { from_name, .. } => (
            reader.pick(
                format!("Nouveau message de {from_name}"),
                format!("New message from {from_name}"),
            ),
            reader.pick(
                format!("{from_name} vous a écrit. Lisez son message dans votre espace."),
                format!("{from_name} wrote to you. Read the message in your space."),
            ),
        ),
        Notice::AlertEscalated { patient_name, .. } => (
            reader.pick(
                format!("ALERTE CRITIQUE — {patient_name}"),
                format!("CRITICAL ALERT — {patient_name}"),
            ),
            reader.pick(
                format!(
                    "Alerte critique non acquittée pour {patient_name}. \
                     Ouvrez la surveillance maintenant."
                ),
                format!(
                    "Unacknowledged critical alert for {patient_name}. \
                     Open the monitoring now."
                ),
            ),
        ),
        _ => return None,
    };
    Some(Worded {
        subject,
        text: format!("{} — {text}", reader.sender),
    })
}

/// Whether a notice of this kind leaves the portals, and whether it is
/// urgent (sent even in quiet hours).
pub fn goes_out(notice: &Notice) -> Option<bool> {
    match notice {
        Notice::AlertEscalated { .. } => Some(true),
        Notice::AppointmentConfirmed { .. }
        | Notice::AppointmentRefused { .. }
        | Notice::AppointmentCancelled { .. }
        | Notice::WaitlistOffer { .. }
        | Notice::ConsultationMessage { .. }
        | Notice::ChatMessage { .. } => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_is_worded_in_the_readers_language_and_zone() {
        let reminder = Reminder {
            appointment_id: 7,
            doctor_name: "Dr Jean Dupont".into(),
            starts_at: "2026-12-08T08:30:00Z".parse().unwrap(),
            seconds_before: 86_400,
        };
        let data = serde_json::to_string(&reminder).unwrap();
        let mut clinic = PlatformSettings::builtin();
        clinic.clinic_name = "Cabinet des Lilas".into();
        let fr = word(
            REMINDER_KIND,
            &data,
            &Reader::new(Some("fr"), Some("Europe/Paris"), &clinic),
        )
        .unwrap();
        assert!(fr.text.contains("mardi 8 décembre à 09:30"), "{}", fr.text);
        let en = word(
            REMINDER_KIND,
            &data,
            &Reader::new(Some("en"), Some("Africa/Kinshasa"), &clinic),
        )
        .unwrap();
        assert!(
            en.text.contains("Tuesday 8 December at 09:30"),
            "{}",
            en.text
        );
        assert!(!en.text.contains("UTC"));
        assert!(fr.text.starts_with("Cabinet des Lilas — "), "{}", fr.text);
        // Without a language or zone of their own: the clinic's.
        clinic.language = "en".into();
        clinic.time_zone = "America/New_York".into();
        let default = word(REMINDER_KIND, &data, &Reader::new(None, None, &clinic)).unwrap();
        assert!(
            default.text.contains("Tuesday 8 December at 03:30"),
            "{}",
            default.text
        );
    }

    #[test]
    fn every_notice_that_goes_out_has_words_and_no_other_does() {
        let reader = Reader::new(None, None, &PlatformSettings::builtin());
        let confirmed = Notice::AppointmentConfirmed {
            appointment_id: 1,
            doctor_name: "Dr A".into(),
            starts_at: Timestamp::UNIX_EPOCH,
            message: "secret note".into(),
        };
        let worded = noticed(&confirmed, &reader).unwrap();
        assert!(
            !worded.text.contains("secret note"),
            "a doctor's note stays in the portal"
        );
        let dose = Notice::DoseDue {
            treatment_id: 1,
            medocs_name: "x".into(),
            time: "08:00".into(),
        };
        assert_eq!(goes_out(&dose), None);
        assert_eq!(noticed(&dose, &reader), None);
    }
}
