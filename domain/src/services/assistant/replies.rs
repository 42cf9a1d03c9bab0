//! Replies the assistant's actions share: why the rules refused, the
//! consultation type in words, the yes / no question before acting, and the
//! link to the patient's appointments.

use super::{button, link, said};
use crate::assistant::{Reply, Suggestion};
use crate::error::DomainError;
use crate::scheduling::ConsultationType;

/// The link to the patient's appointments, in the reader's language.
pub(super) fn appointments_link(french: bool) -> Suggestion {
    link(
        french,
        "/patient/appointments",
        "Mes rendez-vous",
        "My appointments",
    )
}

/// Why an action was refused, for the reader.
pub(super) fn explain(err: &DomainError, french: bool) -> String {
    let code = err.code();
    let fr = match code {
        "slot_full" | "slot_unavailable" => "ce créneau n'est plus libre",
        "patient_overlap" => "vous avez déjà un rendez-vous à cette heure-là",
        "cutoff_passed" => "il est trop tard pour le faire en ligne ; appelez le cabinet",
        "invalid_transition" | "status_changed" => "ce rendez-vous ne peut plus changer",
        _ => "la plateforme l'a refusé",
    };
    let en = match code {
        "slot_full" | "slot_unavailable" => "this slot is no longer free",
        "patient_overlap" => "you already have an appointment at that time",
        "cutoff_passed" => "it is too late to do it online; call the practice",
        "invalid_transition" | "status_changed" => "this appointment can no longer change",
        _ => "the platform refused it",
    };
    if french { fr } else { en }.to_owned()
}

pub(super) fn kind_words(kind: ConsultationType, french: bool) -> &'static str {
    match (kind, french) {
        (ConsultationType::Remote, true) => "à distance",
        (ConsultationType::Remote, false) => "remote",
        (_, true) => "au cabinet",
        (_, false) => "in person",
    }
}

/// The yes / no question before an action.
pub(super) fn confirm(fr: String, en: String, french: bool) -> Reply {
    let mut reply = said(
        french,
        format!("{fr} Répondez « oui » pour confirmer ou « non » pour renoncer."),
        format!("{en} Answer “yes” to confirm or “no” to give up."),
        "confirm",
    );
    reply.choices = if french {
        vec![
            button("Oui, je confirme".into(), "Oui".into()),
            button("Non".into(), "Non".into()),
        ]
    } else {
        vec![
            button("Yes, confirm".into(), "Yes".into()),
            button("No".into(), "No".into()),
        ]
    };
    reply
}
