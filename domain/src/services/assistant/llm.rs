//! The optional language-model backend: an OpenAI-compatible chat API
//! (`POST {url}/chat/completions`; Google's Gemini offers one at
//! `https://generativelanguage.googleapis.com/v1beta/openai/`). The model
//! gets the conversation's last turns (questions and answers only: no name,
//! no identifier, no medical file) and, for a signed-in patient, the
//! platform's actions as tools. A tool call is carried out by the same code
//! as the offline assistant's (so booking still waits for the patient's
//! explicit yes, asked by the platform, never by the model). Any failure —
//! timeout, HTTP error, an answer that does not parse — falls back to the
//! offline assistant.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::assistant::conversation::Conversation;

/// Where the model is and how long to wait for it.
#[derive(Clone)]
pub struct LlmConfig {
    /// Base URL, up to and without `chat/completions`.
    pub url: String,
    pub key: String,
    pub model: String,
    pub timeout: Duration,
}

impl std::fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmConfig")
            .field("url", &self.url)
            .field("key", &"<redacted>")
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// What the model answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Text(String),
    /// A tool to call, with its arguments.
    Tool(String, Value),
}

/// The client, built once.
#[derive(Clone)]
pub struct Llm {
    config: LlmConfig,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<CompletionChoice>,
}

#[derive(Deserialize)]
struct CompletionChoice {
    message: CompletionMessage,
}

#[derive(Deserialize)]
struct CompletionMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ToolCall>,
}

#[derive(Deserialize)]
struct ToolCall {
    function: FunctionCall,
}

#[derive(Deserialize)]
struct FunctionCall {
    name: String,
    /// JSON, as a string (the API's shape).
    arguments: String,
}

/// The instructions, in the reader's language.
fn system_prompt(french: bool, patient: bool, specialties: &str, today: &str) -> String {
    let acting = if patient {
        "The reader is a signed-in patient: to find free slots, list, cancel or move their appointments, call a tool; the platform then shows the options and asks the patient to confirm before anything is booked or changed. Never say that something is booked unless a tool result says so."
    } else {
        "The reader is not a signed-in patient: you cannot act for them; explain how to do things in the portal, and that booking needs a patient account."
    };
    format!(
        "You are the assistant of MedPlat, a medical appointment platform. Answer in {lang}, briefly. \
         You help with the platform: booking, moving or cancelling appointments, finding a doctor, teleconsultations, \
         where to find results, treatments and records. You never give a diagnosis or medical advice; for symptoms, \
         point to the symptom checker and a doctor. For any emergency sign, tell the reader to call 15 or 112 (3114 for \
         suicidal thoughts) first. Specialties offered (code: name): {specialties}. Today is {today}. {acting}",
        lang = if french { "French" } else { "English" },
    )
}

/// The tools a patient's model may call.
fn tools(specialty_codes: &[String]) -> Value {
    json!([
        {"type": "function", "function": {
            "name": "search_slots",
            "description": "Find free appointment slots; the patient then picks one and confirms.",
            "parameters": {"type": "object", "properties": {
                "specialty": {"type": "string", "enum": specialty_codes},
                "doctor_last_name": {"type": "string"},
                "day": {"type": "string", "description": "YYYY-MM-DD"},
                "part_of_day": {"type": "string", "enum": ["morning", "afternoon", "evening"]},
                "remote": {"type": "boolean"}
            }}
        }},
        {"type": "function", "function": {
            "name": "list_appointments",
            "description": "The patient's coming appointments.",
            "parameters": {"type": "object", "properties": {}}
        }},
        {"type": "function", "function": {
            "name": "cancel_appointment",
            "description": "Start cancelling one of the patient's appointments (they choose and confirm).",
            "parameters": {"type": "object", "properties": {}}
        }},
        {"type": "function", "function": {
            "name": "reschedule_appointment",
            "description": "Start moving one of the patient's appointments (they choose a slot and confirm).",
            "parameters": {"type": "object", "properties": {}}
        }}
    ])
}

/// What goes to the model for one question.
pub struct Ask<'a> {
    pub question: &'a str,
    pub french: bool,
    pub patient: bool,
    /// (code, name) of each specialty.
    pub specialties: &'a [(String, String)],
    /// Today, `YYYY-MM-DD`.
    pub today: &'a str,
}

impl Llm {
    /// A client for `config`.
    pub fn new(config: LlmConfig) -> Result<Self, reqwest::Error> {
        let http = crate::http::client_builder()
            .timeout(config.timeout)
            .build()?;
        Ok(Self { config, http })
    }

    /// The request body for `ask` within `conversation` (turns before it).
    pub fn body(&self, ask: &Ask<'_>, conversation: &Conversation) -> Value {
        let listed: Vec<String> = ask
            .specialties
            .iter()
            .map(|(code, name)| format!("{code}: {name}"))
            .collect();
        let mut messages = vec![
            json!({"role": "system", "content": system_prompt(ask.french, ask.patient, &listed.join(", "), ask.today)}),
        ];
        for turn in &conversation.turns {
            messages.push(json!({"role": "user", "content": turn.question}));
            messages.push(json!({"role": "assistant", "content": turn.answer}));
        }
        messages.push(json!({"role": "user", "content": ask.question}));
        let mut body = json!({"model": self.config.model, "messages": messages});
        if ask.patient {
            let codes: Vec<String> = ask.specialties.iter().map(|(c, _)| c.clone()).collect();
            body["tools"] = tools(&codes);
        }
        body
    }

    /// Asks the model; `None` on any failure (logged without the text).
    pub async fn ask(&self, ask: &Ask<'_>, conversation: &Conversation) -> Option<Answer> {
        let url = format!("{}/chat/completions", self.config.url.trim_end_matches('/'));
        let sent = self
            .http
            .post(url)
            .bearer_auth(&self.config.key)
            .json(&self.body(ask, conversation))
            .send()
            .await;
        let response = match sent {
            Ok(response) if response.status().is_success() => response,
            Ok(response) => {
                tracing::warn!(
                    status = response.status().as_u16(),
                    "language model refused; answering offline"
                );
                return None;
            }
            Err(err) => {
                tracing::warn!(
                    timeout = err.is_timeout(),
                    "language model unreachable; answering offline"
                );
                return None;
            }
        };
        let completion: Completion = match response.json().await {
            Ok(completion) => completion,
            Err(_) => {
                tracing::warn!("language model answer unreadable; answering offline");
                return None;
            }
        };
        let message = completion.choices.into_iter().next()?.message;
        if let Some(call) = message.tool_calls.into_iter().next() {
            let args = serde_json::from_str(&call.function.arguments).unwrap_or(json!({}));
            return Some(Answer::Tool(call.function.name, args));
        }
        message
            .content
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .map(Answer::Text)
    }
}
