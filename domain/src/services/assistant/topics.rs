//! What a patient's message is taken as. Two topics: an action and a
//! question are answered in order (the action first: it may need a yes);
//! two actions ask which to start with, as buttons. One topic: the intent
//! the classifier gives, corrected by the conversation ("et l'après-midi ?"
//! after a search is that search again) and by the words ("après-demain avec
//! Dr Martin" asks no "when": a search, not an appointment's time).

use jiff::Timestamp;

use super::{AssistantService, button, said};
use crate::accounts::Role;
use crate::assistant::Understood;
use crate::assistant::conversation::Conversation;
use crate::assistant::entities::normalise;
use crate::assistant::when::When;
use crate::assistant::{Assistant, Reply, Topic};
use crate::auth::Principal;
use crate::error::DomainResult;

/// Intents a patient's question acts on (the others are answered).
const ACTING: &[&str] = &[
    "book",
    "cancel",
    "reschedule",
    "my_appointments",
    "appointment_time",
];

/// An acting intent as a button says it.
fn title(intent: &str, french: bool) -> &'static str {
    match (intent, french) {
        ("book", true) => "Prendre rendez-vous",
        ("book", false) => "Book an appointment",
        ("cancel", true) => "Annuler un rendez-vous",
        ("cancel", false) => "Cancel an appointment",
        ("reschedule", true) => "Déplacer un rendez-vous",
        ("reschedule", false) => "Move an appointment",
        ("my_appointments", true) => "Voir mes rendez-vous",
        ("my_appointments", false) => "See my appointments",
        (_, true) => "L'heure de mon rendez-vous",
        (_, false) => "When my appointment is",
    }
}

/// Words that ask when (an appointment's day or time).
const ASKING_WHEN: &[&str] = &[
    "quand", "heure", "heures", "date", "jour", "quel", "quelle", "oublie", "rappeler", "rappel",
    "rappelez", "when", "time", "what", "day", "forgot", "remind", "whens",
];

/// The intent a one-topic question acts on.
pub(super) fn acting_intent<'a>(
    intent: Option<&'a str>,
    question: &str,
    conversation: &Conversation,
    when: &When,
    assistant: &Assistant,
) -> Option<&'a str> {
    let mut intent = intent;
    // "et l'après-midi ?" after a search is that search again, whatever
    // the classifier makes of a few words about when; only a cancel or a
    // move said in words starts something else.
    let few_words = normalise(question).split_whitespace().count() <= 4;
    let named_action = intent
        .filter(|i| matches!(*i, "cancel" | "reschedule"))
        .is_some_and(|i| assistant.names_action(question, i));
    if conversation.search.is_some() && few_words && !when.is_empty() && !named_action {
        intent = None;
    }
    // "When is my appointment" asks when: without a word asking it, a
    // day and a doctor are a search ("après-demain avec Dr Martin").
    let asks_when = normalise(question)
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| ASKING_WHEN.contains(&w));
    if intent == Some("appointment_time") && !asks_when {
        intent = Some("book");
    }
    intent
}

impl AssistantService {
    /// The patient's question as an action (a search, a list, a cancel or a
    /// move), or `None` for an offline answer; two topics are taken one
    /// after the other.
    pub(super) async fn act(
        &self,
        patient: &Principal,
        conversation: &mut Conversation,
        question: &str,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Option<Reply>> {
        if let Understood::Topics(topics) = self.assistant.understand(question)
            && let [first, second] = topics.as_slice()
        {
            return self
                .two_topics(patient, conversation, first, second, question, french, now)
                .await;
        }
        self.act_on(patient, conversation, question, french, now)
            .await
    }

    /// The answer to two topics, or `None` when neither acts (the offline
    /// answers take both in order).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn two_topics(
        &self,
        patient: &Principal,
        conversation: &mut Conversation,
        first: &Topic,
        second: &Topic,
        question: &str,
        french: bool,
        now: Timestamp,
    ) -> DomainResult<Option<Reply>> {
        let acts = |t: &Topic| ACTING.contains(&t.intent.as_str());
        match (acts(first), acts(second)) {
            (false, false) => Ok(None),
            (true, true) => {
                let mut reply = said(
                    french,
                    "Vous me demandez deux choses. Par laquelle commençons-nous ?".into(),
                    "You are asking two things. Which shall we start with?".into(),
                    "which_first",
                );
                reply.choices = [first, second]
                    .iter()
                    .map(|t| button(title(&t.intent, french).to_owned(), t.text.clone()))
                    .collect();
                Ok(Some(reply))
            }
            (first_acts, _) => {
                let (action, other) = if first_acts {
                    (first, second)
                } else {
                    (second, first)
                };
                let names = self.specialty_names().await?;
                let asker = Some(Role::Patient);
                let mut reply = match self
                    .act_on(patient, conversation, &action.text, french, now)
                    .await?
                {
                    Some(reply) => reply,
                    None => self
                        .assistant
                        .answer_topic(action, question, asker, french, &names),
                };
                let answer = self
                    .assistant
                    .answer_topic(other, question, asker, french, &names);
                reply.message = format!("{}\n\n{}", reply.message, answer.message);
                for s in answer.suggestions {
                    if !reply.suggestions.contains(&s) {
                        reply.suggestions.push(s);
                    }
                }
                Ok(Some(reply))
            }
        }
    }
}
