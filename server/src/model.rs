//! `medplat model`: the symptom checker's models from the command line —
//! train one from a CSV (k-fold figures and the confusion of the most
//! frequent classes printed, with a progress bar), list them, switch the
//! active one; and, with no database, choose the forest's settings by
//! cross-validation (`tune`) or report the platform's settings on fixed
//! folds written out for scikit-learn to score the same split (`compare`,
//! which `scripts/forest-vs-sklearn.py` drives).

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
    /// Cross-validate every combination of the forest's settings (columns
    /// per split, leaf size, trees) on folds of their own and print them,
    /// best first. No database.
    Tune {
        #[arg(long)]
        csv: PathBuf,
        #[arg(long, default_value_t = 5)]
        folds: usize,
    },
    /// Cross-validate the platform's settings on fixed folds and print
    /// accuracy, top-3 accuracy, Brier score and the majority baseline;
    /// `--export` writes each row's fold and encoded features (CSV) so that
    /// another library scores the very same split. No database.
    Compare {
        #[arg(long)]
        csv: PathBuf,
        #[arg(long, default_value_t = 5)]
        folds: usize,
        #[arg(long)]
        export: Option<PathBuf>,
        /// Print the figures as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Make a stored model (by version or id) the active one.
    Activate { version: String },
}

fn read_samples(csv: &PathBuf) -> anyhow::Result<Vec<domain::symptoms::Sample>> {
    let file = std::fs::File::open(csv).with_context(|| format!("reading {}", csv.display()))?;
    domain::symptoms::dataset::read_csv(file).with_context(|| format!("reading {}", csv.display()))
}

fn bar(total: usize, message: &'static str) -> anyhow::Result<ProgressBar> {
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>22} [{bar:40}] {pos}/{len} ({elapsed})")
            .context("progress style")?
            .progress_chars("=> "),
    );
    bar.set_message(message);
    Ok(bar)
}

/// `medplat model tune`.
fn tune(csv: &PathBuf, folds: usize) -> anyhow::Result<()> {
    use domain::symptoms::tuning;
    let samples = read_samples(csv)?;
    let base = domain::services::symptoms::training_params();
    let total =
        tuning::FEATURES_PER_SPLIT.len() * tuning::MIN_SAMPLES_LEAF.len() * tuning::TREES.len();
    let bar = bar(total, "settings")?;
    let ranked = tuning::tune(&samples, folds, &base, TUNING_FOLD_SEED, &mut |d, _| {
        bar.set_position(d as u64)
    })?;
    bar.finish_and_clear();
    println!(
        "{} samples, {folds} folds drawn with seed {TUNING_FOLD_SEED}; best first",
        samples.len()
    );
    println!("columns/split  leaf  trees  accuracy  top-3   Brier");
    for c in &ranked {
        println!(
            "{:>13}  {:>4}  {:>5}  {:>8.3}  {:>5.3}  {:>6.3}",
            c.params.features_for(domain::symptoms::FEATURE_NAMES.len()),
            c.params.min_samples_leaf,
            c.params.trees,
            c.evaluation.accuracy,
            c.evaluation.top3_accuracy,
            c.evaluation.brier
        );
    }
    if let Some(best) = ranked.first() {
        println!(
            "winner: {} columns per split, leaves of at least {}, {} trees",
            best.params
                .features_for(domain::symptoms::FEATURE_NAMES.len()),
            best.params.min_samples_leaf,
            best.params.trees
        );
    }
    Ok(())
}

/// `medplat model compare`.
fn compare(
    csv: &PathBuf,
    folds: usize,
    export: Option<&PathBuf>,
    json: bool,
) -> anyhow::Result<()> {
    use std::io::Write;
    let samples = read_samples(csv)?;
    let params = domain::services::symptoms::training_params();
    let fold_of = domain::symptoms::evaluation::assign_folds(&samples, folds, COMPARISON_FOLD_SEED);
    let bar = bar(folds, "cross-validation folds")?;
    let evaluation = domain::symptoms::evaluation::cross_validate_on(
        &samples,
        fold_of.clone(),
        folds,
        &params,
        &mut |d, _| bar.set_position(d as u64),
    )?;
    bar.finish_and_clear();
    if let Some(path) = export {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?,
        );
        let names = domain::symptoms::FEATURE_NAMES.join(",");
        writeln!(out, "fold,label,{names}")?;
        for (sample, fold) in samples.iter().zip(&fold_of) {
            let values: Vec<String> = sample
                .features
                .to_vector()
                .iter()
                .map(f64::to_string)
                .collect();
            let label = sample.label.replace('"', "\"\"");
            writeln!(out, "{fold},\"{label}\",{}", values.join(","))?;
        }
        out.flush()?;
    }
    let columns = params.features_for(domain::symptoms::FEATURE_NAMES.len());
    if json {
        println!(
            "{}",
            serde_json::json!({
                "samples": evaluation.samples,
                "folds": folds,
                "fold_seed": COMPARISON_FOLD_SEED,
                "trees": params.trees,
                "features_per_split": columns,
                "min_samples_leaf": params.min_samples_leaf,
                "accuracy": evaluation.accuracy,
                "top3_accuracy": evaluation.top3_accuracy,
                "brier": evaluation.brier,
                "baseline_accuracy": evaluation.baseline_accuracy,
            })
        );
    } else {
        println!(
            "platform forest ({} trees, {columns} columns per split, leaves of at least {}), folds drawn with seed {COMPARISON_FOLD_SEED}:",
            params.trees, params.min_samples_leaf
        );
        println!("{}", evaluation.render());
    }
    Ok(())
}

/// Seed of the folds `tune` chooses the settings on.
const TUNING_FOLD_SEED: u64 = 7;
/// Seed of the folds `compare` reports on (not the tuning's).
const COMPARISON_FOLD_SEED: u64 = 42;

impl ModelCommand {
    /// Runs the command if it needs no database (`tune`, `compare`);
    /// gives it back otherwise.
    pub fn run_offline(self) -> anyhow::Result<Option<Self>> {
        match &self {
            Self::Tune { csv, folds } => tune(csv, *folds).map(|()| None),
            Self::Compare {
                csv,
                folds,
                export,
                json,
            } => compare(csv, *folds, export.as_ref(), *json).map(|()| None),
            _ => Ok(Some(self)),
        }
    }
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
        ModelCommand::Tune { .. } | ModelCommand::Compare { .. } => {}
    }
    state.services.db().close().await;
    Ok(())
}
