//! The assistant's free-slot search: the doctors a search names (a
//! specialty, a doctor, or everyone), their free slots on the days asked for
//! (the next two weeks otherwise) within the part of the day asked for, from
//! the same search as the portals; the soonest few become options.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use super::{AssistantService, button, link, said};
use crate::assistant::Reply;
use crate::assistant::conversation::{Conversation, Offered, Search, SlotOption};
use crate::assistant::when::day_label;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::ConsultationType;
use crate::services::directory::DoctorSearch;
use crate::store::doctors::DoctorListing;

/// Slots offered at once.
pub const OFFERED_SLOTS: usize = 5;
/// Days searched when the question gives none (today included).
pub const HORIZON_DAYS: i64 = 14;
/// Doctors looked at in one search.
const MAX_DOCTORS: usize = 30;

/// How a slot reads: "mardi 8 décembre 09:00 · Dr Claire Dupont (Cardiologie)".
fn slot_label(
    doctor: &DoctorListing,
    local: &jiff::Zoned,
    kind: ConsultationType,
    french: bool,
) -> String {
    let specialty = doctor
        .specialty
        .as_ref()
        .map(|s| format!(" ({})", if french { &s.name_fr } else { &s.name_en }))
        .unwrap_or_default();
    let remote = match (kind, french) {
        (ConsultationType::Remote, true) => " · à distance",
        (ConsultationType::Remote, false) => " · remote",
        _ => "",
    };
    format!(
        "{} {} · Dr {} {}{specialty}{remote}",
        day_label(local.date(), french),
        local.strftime("%H:%M"),
        doctor.first_name,
        doctor.last_name,
    )
}

impl AssistantService {
    /// The doctors `search` names.
    async fn doctors_of(&self, search: &Search) -> DomainResult<Vec<DoctorListing>> {
        match search.doctor {
            Some(id) => Ok(vec![self.directory.doctor(id).await?]),
            None => {
                let mut doctors = self
                    .directory
                    .doctors(&DoctorSearch {
                        specialty: search.specialty.clone(),
                        consultation_type: search.kind,
                        ..DoctorSearch::default()
                    })
                    .await?;
                doctors.truncate(MAX_DOCTORS);
                Ok(doctors)
            }
        }
    }

    /// The soonest free slots `search` asks for; `wide`: ignoring its days
    /// and part of the day (the next two weeks).
    pub(super) async fn slots(
        &self,
        search: &Search,
        wide: bool,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Vec<SlotOption>> {
        let mut found = Vec::new();
        for doctor in self.doctors_of(search).await? {
            let tz = TimeZone::get(&doctor.timezone).map_err(DomainError::internal)?;
            let today = now.to_zoned(tz.clone()).date();
            let horizon = today
                .checked_add((HORIZON_DAYS - 1).days())
                .map_err(DomainError::internal)?;
            let (first, last) = match search.when.days {
                Some(days) if !wide => (
                    days.first.max(today),
                    days.last.min(horizon.max(days.first)),
                ),
                _ => (today, horizon),
            };
            if last < first {
                continue;
            }
            let free = self
                .scheduling
                .free_slots(doctor.id, first, last, search.kind, now)
                .await?;
            for slot in free {
                let local = slot.slot.starts_at.to_zoned(tz.clone());
                if let Some(part) = search.when.part.filter(|_| !wide)
                    && !part.contains(local.hour())
                {
                    continue;
                }
                let kind = match slot.slot.consultation_type {
                    ConsultationType::Both => search.kind.unwrap_or(ConsultationType::InPerson),
                    offered => offered,
                };
                found.push(SlotOption {
                    doctor_id: doctor.id,
                    starts_at: slot.slot.starts_at,
                    kind,
                    label: slot_label(&doctor, &local, kind, french),
                    local_time: (local.hour(), local.minute()),
                });
            }
        }
        found.sort_by_key(|s| s.starts_at);
        found.truncate(OFFERED_SLOTS);
        Ok(found)
    }

    /// Runs `search`, remembers it and offers what it found.
    pub(super) async fn offer_slots(
        &self,
        conversation: &mut Conversation,
        search: Search,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Reply> {
        let mut found = self.slots(&search, false, french, now).await?;
        let exact = !found.is_empty();
        if !exact && !search.when.is_empty() {
            found = self.slots(&search, true, french, now).await?;
        }
        let criteria = self.criteria(&search, french).await?;
        conversation.search = Some(search);
        if found.is_empty() {
            conversation.offered = Offered::Nothing;
            let mut reply = said(
                french,
                format!(
                    "Je n'ai trouvé aucun créneau libre ({criteria}) dans les deux semaines qui viennent. Vous pouvez essayer une autre spécialité, ou vous inscrire sur une liste d'attente."
                ),
                format!(
                    "I found no free slot ({criteria}) in the next two weeks. You can try another specialty, or join a waitlist."
                ),
                "no_slot",
            );
            reply.suggestions = vec![
                link(
                    french,
                    "/patient/doctors",
                    "Trouver un médecin",
                    "Find a doctor",
                ),
                link(french, "/patient/waitlist", "Liste d'attente", "Waitlist"),
            ];
            return Ok(reply);
        }
        let lines: Vec<String> = found
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {}", i + 1, s.label))
            .collect();
        let (fr_head, en_head) = if exact {
            (
                format!("Créneaux libres ({criteria}) :"),
                format!("Free slots ({criteria}):"),
            )
        } else {
            (
                format!("Rien de libre ({criteria}). Les prochains créneaux libres :"),
                format!("Nothing free ({criteria}). The next free slots:"),
            )
        };
        let mut reply = said(
            french,
            format!(
                "{fr_head}\n{}\nLequel voulez-vous ? Répondez par son numéro.",
                lines.join("\n")
            ),
            format!(
                "{en_head}\n{}\nWhich one would you like? Answer with its number.",
                lines.join("\n")
            ),
            "slots",
        );
        reply.choices = found
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let send = if french {
                    format!("Créneau {}", i + 1)
                } else {
                    format!("Slot {}", i + 1)
                };
                button(s.label.clone(), send)
            })
            .collect();
        conversation.offered = Offered::Slots(found);
        Ok(reply)
    }

    /// What a search asked for, as the reader reads it: "Cardiologie, mardi
    /// 8 décembre, matin".
    async fn criteria(&self, search: &Search, french: bool) -> DomainResult<String> {
        let mut parts = Vec::new();
        if let Some(id) = search.doctor {
            let doctor = self.directory.doctor(id).await?;
            parts.push(format!("Dr {} {}", doctor.first_name, doctor.last_name));
        } else if let Some(code) = &search.specialty {
            let name = self
                .specialties()
                .await?
                .into_iter()
                .find(|s| &s.code == code)
                .map_or(code.clone(), |s| {
                    if french {
                        s.name_fr.clone()
                    } else {
                        s.name_en.clone()
                    }
                });
            parts.push(name);
        } else {
            parts.push(
                if french {
                    "tous médecins"
                } else {
                    "any doctor"
                }
                .to_owned(),
            );
        }
        if let Some(days) = search.when.days {
            if days.first == days.last {
                parts.push(day_label(days.first, french));
            } else {
                parts.push(format!(
                    "{} – {}",
                    day_label(days.first, french),
                    day_label(days.last, french)
                ));
            }
        }
        if let Some(part) = search.when.part {
            parts.push(part.name(french).to_owned());
        }
        match search.kind {
            Some(ConsultationType::Remote) => {
                parts.push(if french { "à distance" } else { "remote" }.to_owned())
            }
            Some(ConsultationType::InPerson) => {
                parts.push(if french { "au cabinet" } else { "in person" }.to_owned())
            }
            _ => {}
        }
        Ok(parts.join(", "))
    }

    /// Asks which specialty, offering each as a button.
    pub(super) async fn ask_specialty(
        &self,
        conversation: &mut Conversation,
        french: bool,
    ) -> DomainResult<Reply> {
        let options: Vec<(String, String)> = self
            .specialties()
            .await?
            .into_iter()
            .map(|s| (s.code, if french { s.name_fr } else { s.name_en }))
            .collect();
        let mut reply = said(
            french,
            "Avec quelle spécialité ? Vous pouvez aussi me donner le nom d'un médecin et un jour (« un cardiologue mardi matin »).".into(),
            "Which specialty? You can also give me a doctor's name and a day (“a cardiologist on Tuesday morning”).".into(),
            "ask_specialty",
        );
        reply.choices = options
            .iter()
            .map(|(_, name)| button(name.clone(), name.clone()))
            .collect();
        conversation.offered = Offered::Specialties(options);
        Ok(reply)
    }
}
