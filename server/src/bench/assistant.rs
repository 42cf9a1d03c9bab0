//! `medplat bench --assistant`: the offline assistant judged on the test
//! part of `domain/data/assistant/questions.tsv` (questions it never learnt
//! from): right answers per language and per intent, emergency recall and
//! false alarms, off-topic precision, and how long understanding takes.
//! It also chooses the "not understood" threshold by 5-fold
//! cross-validation on the training part, and says how it compares with
//! the threshold `intents.toml` holds.

use std::time::Instant;

use anyhow::Context;
use domain::assistant::Assistant;
use domain::assistant::classifier::Settings;
use domain::assistant::evaluation::{self, Part, dev, evaluate, fresh, part};

use super::measure::Latencies;

/// Folds of the threshold's cross-validation.
const FOLDS: usize = 5;

/// Replays the test part `rounds` times (latency) and prints the report;
/// `tuning` leaves the test part out (what settings may be chosen on).
pub fn run(rounds: usize, tuning: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let assistant = Assistant::builtin().context("loading the intents")?;
    println!(
        "assistant: {} intents learnt in {:.0} ms",
        assistant.intents().count(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    if !tuning {
        test_part(&assistant, rounds);
    }
    fresh_sample(&assistant);
    dev_sample(&assistant);
    thresholds(assistant.threshold(), assistant.topic_threshold())
}

/// The figures on the test part, and the latency over it.
fn test_part(assistant: &Assistant, rounds: usize) {
    let test = part(Part::Test);
    let report = evaluate(assistant, &test);
    println!(
        "test part: {} questions of {} (never learnt from; the fixed rule of evaluation.rs)",
        test.len(),
        test.len() + part(Part::Training).len()
    );
    for (lang, tally) in &report.by_language {
        println!("  right answer, {lang}: {tally}");
    }
    println!("  right answer, all: {}", report.overall());
    println!("  emergency recall: {}", report.emergency_recall);
    println!("  emergency category named: {}", report.emergency_category);
    println!("  false alarms on non-emergencies: {}", report.false_alarms);
    println!(
        "  off-topic precision: {}  recall: {}",
        report.off_topic_precision, report.off_topic_recall
    );
    println!("per expected answer:");
    for (label, tally) in &report.by_label {
        println!("  {label:<34} {tally}");
    }
    if !report.misses.is_empty() {
        println!("misses:");
        for (q, got) in &report.misses {
            println!("  [{} → {got}] {}", q.label, q.text);
        }
    }
    let mut times = Vec::with_capacity(test.len() * rounds);
    for _ in 0..rounds {
        for q in &test {
            let t = Instant::now();
            std::hint::black_box(assistant.understand(q.text));
            times.push(t.elapsed());
        }
    }
    println!(
        "understanding latency over {} questions: {}",
        times.len(),
        Latencies::new(times).summary()
    );
}

/// The figures on the fresh sample.
fn fresh_sample(assistant: &Assistant) {
    let sample = fresh();
    let later = evaluate(assistant, &sample);
    println!(
        "fresh sample (fresh.tsv, {} questions written after the tuning, never adjusted to):",
        sample.len()
    );
    for (lang, tally) in &later.by_language {
        println!("  right answer, {lang}: {tally}");
    }
    println!("  emergency recall: {}", later.emergency_recall);
    println!("  false alarms on non-emergencies: {}", later.false_alarms);
    println!(
        "  off-topic precision: {}  recall: {}",
        later.off_topic_precision, later.off_topic_recall
    );
    if !later.misses.is_empty() {
        println!("  misses:");
        for (q, got) in &later.misses {
            println!("    [{} → {got}] {}", q.label, q.text);
        }
    }
}

/// The figures on the development sample, per language and per kind.
fn dev_sample(assistant: &Assistant) {
    let sample = dev();
    let report = evaluate(assistant, &sample);
    println!(
        "development sample (dev.tsv, {} questions of the hard kinds, for choosing settings):",
        sample.len()
    );
    for (lang, tally) in &report.by_language {
        println!("  right answer, {lang}: {tally}");
    }
    println!("  false alarms: {}", report.false_alarms);
    let mut by_kind: std::collections::BTreeMap<(&str, &str), evaluation::Tally> =
        std::collections::BTreeMap::new();
    for q in &sample {
        let missed = report.misses.iter().any(|(m, _)| m.text == q.text);
        let tally = by_kind.entry((q.lang, q.kind)).or_default();
        tally.right += usize::from(!missed);
        tally.asked += 1;
    }
    for ((lang, kind), tally) in &by_kind {
        println!("  {lang} {kind:<14} {tally}");
    }
    if std::env::var_os("MEDPLAT_BENCH_MISSES").is_some() {
        for (q, got) in &report.misses {
            println!("    [{} → {got}] {}", q.label, q.text);
        }
    }
}

/// Chooses both thresholds by cross-validation on the training part.
fn thresholds(current: f32, current_topic: f32) -> anyhow::Result<()> {
    let plain: Vec<f32> = (1..=10).map(|i| i as f32 * 0.05).collect();
    let topic: Vec<f32> = (4..=9).map(|i| i as f32 * 0.1).collect();
    let mut right = vec![vec![0usize; topic.len()]; plain.len()];
    let mut asked = 0;
    // Held-out answers at the thresholds in use: where to look for more
    // training data without looking at the test part.
    let mut held_out = evaluation::Report::default();
    for (model, held) in evaluation::folds(FOLDS, Settings::default())? {
        asked += held.len();
        let in_use = model
            .clone()
            .with_threshold(current)
            .with_topic_threshold(current_topic);
        held_out.merge(evaluate(&in_use, &held));
        for (a, t) in plain.iter().enumerate() {
            for (b, u) in topic.iter().enumerate() {
                let tuned = model.clone().with_threshold(*t).with_topic_threshold(*u);
                right[a][b] += evaluate(&tuned, &held).overall().right;
            }
        }
    }
    println!("held-out folds of the training part, at the thresholds in use:");
    for (lang, tally) in &held_out.by_language {
        println!("  right answer, {lang}: {tally}");
    }
    if std::env::var_os("MEDPLAT_BENCH_MISSES").is_some() {
        for (q, got) in &held_out.misses {
            println!("    [{} → {got}] {}", q.label, q.text);
        }
    }
    let share = |r: usize| r as f64 * 100.0 / asked.max(1) as f64;
    let (mut best, mut best_right) = ((0, 0), 0);
    for (a, row) in right.iter().enumerate() {
        for (b, r) in row.iter().enumerate() {
            if *r > best_right {
                (best, best_right) = ((a, b), *r);
            }
        }
    }
    println!(
        "thresholds by {FOLDS}-fold cross-validation on the training part: not understood under {:.2}, a topic from {:.1} ({:.1} % right on held-out folds); intents.toml holds {current:.2} and {current_topic:.1}",
        plain[best.0],
        topic[best.1],
        share(best_right)
    );
    print!("  not understood under \\ a topic from:");
    for u in &topic {
        print!(" {u:>6.1}");
    }
    println!();
    for (t, row) in plain.iter().zip(&right) {
        print!("  {t:>38.2}:");
        for r in row {
            print!(" {:>5.1}%", share(*r));
        }
        println!();
    }
    Ok(())
}
