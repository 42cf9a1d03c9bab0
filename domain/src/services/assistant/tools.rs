//! A language model's answer turned into the assistant's: its text, or the
//! tool it called carried out by the offline assistant's own actions (so
//! slots are offered and confirmed the same way).

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::Value;

use super::llm::{Answer, Ask, Llm};
use super::{AssistantService, said};
use crate::accounts::UserId;
use crate::assistant::Reply;
use crate::assistant::conversation::{Conversation, Purpose, Search};
use crate::assistant::entities;
use crate::assistant::when::{Days, PartOfDay, When};
use crate::auth::Principal;
use crate::error::DomainResult;
use crate::scheduling::ConsultationType;
use crate::services::directory::DoctorSearch;

impl AssistantService {
    /// The model's answer, or `None` to answer offline (it failed, or asked
    /// for what the reader may not do).
    pub(super) async fn through_llm(
        &self,
        llm: &Llm,
        patient: Option<&Principal>,
        conversation: &mut Conversation,
        question: &str,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Option<Reply>> {
        let specialties: Vec<(String, String)> = self
            .specialties()
            .await?
            .into_iter()
            .map(|s| (s.code, if french { s.name_fr } else { s.name_en }))
            .collect();
        let today = super::actions::today(now)?.to_string();
        let ask = Ask {
            question,
            french,
            patient: patient.is_some(),
            specialties: &specialties,
            today: &today,
        };
        let Some(answer) = llm.ask(&ask, conversation).await else {
            return Ok(None);
        };
        match (answer, patient) {
            (Answer::Text(text), _) => Ok(Some(said(french, text.clone(), text, "llm"))),
            (Answer::Tool(name, args), Some(patient)) => {
                self.call_tool(
                    patient,
                    conversation,
                    &name,
                    &args,
                    &specialties,
                    french,
                    now,
                )
                .await
            }
            (Answer::Tool(..), None) => Ok(None),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn call_tool(
        &self,
        patient: &Principal,
        conversation: &mut Conversation,
        name: &str,
        args: &Value,
        specialties: &[(String, String)],
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Option<Reply>> {
        tracing::debug!(tool = name, "language model called a tool");
        let reply = match name {
            "search_slots" => {
                let search = self.search_of(args, specialties).await?;
                self.offer_slots(conversation, search, french, now).await?
            }
            "list_appointments" => self.list_appointments(patient, french, now).await?,
            "cancel_appointment" | "reschedule_appointment" => {
                let purpose = if name == "cancel_appointment" {
                    Purpose::Cancel
                } else {
                    Purpose::Reschedule
                };
                self.offer_appointments(
                    patient,
                    conversation,
                    purpose,
                    When::default(),
                    french,
                    now,
                )
                .await?
            }
            _ => return Ok(None),
        };
        Ok(Some(reply))
    }

    /// A search from a tool's arguments; what does not parse is left out.
    async fn search_of(
        &self,
        args: &Value,
        specialties: &[(String, String)],
    ) -> DomainResult<Search> {
        let specialty = args["specialty"]
            .as_str()
            .filter(|code| specialties.iter().any(|(c, _)| c == code))
            .map(str::to_owned);
        let doctor = match args["doctor_last_name"].as_str() {
            Some(name) => {
                let doctors: Vec<(UserId, String, String)> = self
                    .directory
                    .doctors(&DoctorSearch::default())
                    .await?
                    .into_iter()
                    .map(|d| (d.id, d.first_name, d.last_name))
                    .collect();
                entities::doctor(name, &doctors)
            }
            None => None,
        };
        let days = args["day"]
            .as_str()
            .and_then(|d| d.parse::<Date>().ok())
            .map(|day| Days {
                first: day,
                last: day,
            });
        let part = match args["part_of_day"].as_str() {
            Some("morning") => Some(PartOfDay::Morning),
            Some("afternoon") => Some(PartOfDay::Afternoon),
            Some("evening") => Some(PartOfDay::Evening),
            _ => None,
        };
        let kind = args["remote"].as_bool().map(|remote| {
            if remote {
                ConsultationType::Remote
            } else {
                ConsultationType::InPerson
            }
        });
        Ok(Search {
            specialty: if doctor.is_some() { None } else { specialty },
            doctor,
            when: When { days, part },
            kind,
            moving: None,
        })
    }
}
