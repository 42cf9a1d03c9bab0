//! `medplat bench --assistant`: replays the sample questions
//! (`domain/data/assistant/questions.tsv`, French and English) through the
//! offline assistant, and prints its answer latency and how many questions
//! it understood (and rightly so).

use std::time::Instant;

use anyhow::Context;
use domain::accounts::Role;
use domain::assistant::{Assistant, sample_questions};
use domain::demo::SPECIALTIES;

use super::measure::Latencies;

/// Replays every question `rounds` times.
pub fn run(rounds: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let assistant = Assistant::builtin().context("loading the intents")?;
    println!(
        "assistant: intents loaded and indexed in {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let specialties: Vec<(String, String)> = SPECIALTIES
        .iter()
        .map(|(_, fr, en)| ((*fr).to_owned(), (*en).to_owned()))
        .collect();
    let questions = sample_questions();
    let (mut understood, mut right) = (0, 0);
    let mut times = Vec::with_capacity(questions.len() * rounds);
    for round in 0..rounds {
        for (question, expected) in &questions {
            let t = Instant::now();
            let reply = assistant.answer(question, Some(Role::Patient), true, &specialties);
            times.push(t.elapsed());
            if round == 0 {
                understood += usize::from(reply.intent != "unknown");
                right += usize::from(reply.intent == *expected);
            }
        }
    }
    let answerable = questions.iter().filter(|(_, e)| *e != "unknown").count();
    println!(
        "questions: {} ({} answerable), understood {understood}, right intent {right} of {}",
        questions.len(),
        answerable,
        questions.len()
    );
    println!(
        "answer latency over {} answers: {}",
        times.len(),
        Latencies::new(times).summary()
    );
    Ok(())
}
