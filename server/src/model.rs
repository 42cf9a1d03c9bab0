//! `medplat model`: the symptom checker's models from the command line —
//! train one from a CSV (k-fold figures and the confusion of the most
//! frequent classes printed, with a progress bar), list them, switch the
//! active one.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Settings;

/// What to do with the models.
#[derive(Subcommand)]
pub enum ModelCommand {
    /// Cross-validate on a CSV in the layout of the "Disease Symptoms and
    /// Patient Profile" data set, print the figures, then train on all of it
    /// and store the model (inactive unless --activate).
    Train {
        /// The CSV file.
        #[arg(long)]
        csv: PathBuf,
        /// Folds of the cross-validation (2–20).
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Make the new model the active one.
        #[arg(long)]
        activate: bool,
    },
    /// List the stored models (the active one starred).
    List,
    /// Make a stored model (by version or id) the active one.
    Activate { version: String },
}

/// Runs one model command against the configured database.
pub async fn run(settings: Settings, command: ModelCommand) -> anyhow::Result<()> {
    let state = crate::build_state(settings).await?;
    let symptoms = &state.services.symptoms;
    match command {
        ModelCommand::Train {
            csv,
            folds,
            activate,
        } => {
            let bytes =
                std::fs::read(&csv).with_context(|| format!("reading {}", csv.display()))?;
            let bar = ProgressBar::new(folds as u64);
            bar.set_style(
                ProgressStyle::with_template("{msg:>22} [{bar:40}] {pos}/{len} ({elapsed})")
                    .context("progress style")?
                    .progress_chars("=> "),
            );
            let started = std::time::Instant::now();
            let mut stage = String::new();
            let (info, evaluation) = symptoms
                .train_from_csv(
                    None,
                    &bytes,
                    Some(folds),
                    activate,
                    &mut |name, done, total| {
                        if stage != name {
                            stage = name.to_owned();
                            bar.reset();
                            bar.set_length(total as u64);
                            bar.set_message(if name == "folds" {
                                "cross-validation folds"
                            } else {
                                "trees of the model"
                            });
                        }
                        bar.set_position(done as u64);
                    },
                )
                .await?;
            bar.finish_and_clear();
            if let Some(evaluation) = evaluation {
                println!("{}", evaluation.render());
            }
            println!(
                "Model {} stored: {} samples, {} classes, {} trees, {:.1} MB, trained in {:.1} s{}.",
                info.version,
                info.samples,
                info.classes,
                info.trees,
                info.size_bytes as f64 / 1e6,
                started.elapsed().as_secs_f64(),
                if info.active {
                    ", active"
                } else {
                    " (activate it with `medplat model activate`)"
                }
            );
        }
        ModelCommand::List => {
            for m in symptoms.models(None).await? {
                let figure = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.3}"));
                println!(
                    "{} {:<8} {:<15} samples {:>6}  classes {:>4}  accuracy {}  macro-F1 {}  baseline {}",
                    if m.active { '*' } else { ' ' },
                    m.version,
                    m.source,
                    m.samples,
                    m.classes,
                    figure(m.accuracy),
                    figure(m.macro_f1),
                    figure(m.baseline_accuracy)
                );
            }
        }
        ModelCommand::Activate { version } => {
            let info = symptoms.activate(None, &version).await?;
            println!("Model {} is now the active one.", info.version);
        }
    }
    state.services.db().close().await;
    Ok(())
}
