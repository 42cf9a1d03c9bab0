//! The symptom checker's models: the active one loaded once (reloaded when
//! another is activated), the starting one built from the knowledge base,
//! others trained from a CSV, listed and switched by administrators.

use std::sync::Arc;

use jiff::Timestamp;

use super::{
    Loaded, STARTING_SAMPLES, STARTING_SEED, SymptomService, internal_ml, training_params,
};
use crate::accounts::Role;
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::store::db_error;
use crate::store::symptoms::{self as store, NewModel};
use crate::symptoms::Sample;
use crate::symptoms::check::ModelInfo;
use crate::symptoms::evaluation::{Evaluation, cross_validate};
use crate::symptoms::forest::{Forest, ForestError};

impl SymptomService {
    /// The active model, building and storing the starting one if the
    /// platform has none.
    pub(super) async fn model(&self) -> DomainResult<Loaded> {
        let mut loaded = self.loaded.lock().await;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let active_id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM symptom_models WHERE active = 1")
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_error)?;
        if let (Some(current), Some(id)) = (loaded.as_ref(), active_id)
            && current.id == id
        {
            return Ok(current.clone());
        }
        drop(conn);
        if active_id.is_none() {
            self.build_starting_model(false).await?;
        }
        let read = self.read_active().await?;
        let (id, version, forest) = match read {
            Err(ForestError::Outdated(layout)) => {
                // A model of an older layout cannot answer: the starting
                // model is built again in today's and replaces it.
                tracing::warn!(
                    layout,
                    "active symptom model outdated; rebuilding the starting model"
                );
                self.build_starting_model(true).await?;
                self.read_active().await?.map_err(internal_ml)?
            }
            other => other.map_err(internal_ml)?,
        };
        let fresh = Loaded {
            id,
            version,
            forest: Arc::new(forest),
        };
        *loaded = Some(fresh.clone());
        Ok(fresh)
    }

    /// The active model, read back from its bytes.
    async fn read_active(&self) -> DomainResult<Result<(i64, String, Forest), ForestError>> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let (id, version, bytes) = store::active(&mut conn)
            .await?
            .ok_or_else(|| DomainError::internal("no active symptom model"))?;
        let forest = tokio::task::spawn_blocking(move || Forest::from_bytes(&bytes))
            .await
            .map_err(DomainError::internal)?;
        Ok(forest.map(|f| (id, version, f)))
    }

    /// Trains the starting model from the knowledge base and activates it,
    /// unless another instance did meanwhile (`replace`: whatever is active).
    async fn build_starting_model(&self, replace: bool) -> DomainResult<()> {
        let samples = self.knowledge.samples(STARTING_SAMPLES, STARTING_SEED);
        let info = self
            .store_model(None, "knowledge_base", samples, None, &mut |_, _, _| {})
            .await;
        match info {
            Ok(info) => {
                let mut tx = self.db.begin_write().await?;
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM symptom_models WHERE active = 1")
                        .fetch_optional(&mut **tx)
                        .await
                        .map_err(db_error)?;
                if replace || exists.is_none() {
                    store::activate(&mut tx, info.id).await?;
                }
                tx.commit().await.map_err(db_error)?;
                tracing::info!(version = %info.version, "starting symptom model built");
                Ok(())
            }
            // Another instance stored a model under the same version.
            Err(DomainError::Conflict { .. }) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// Trains on `samples` (cross-validating first over `folds` folds if
    /// given) and stores the model, inactive, under the next version.
    async fn store_model(
        &self,
        by: Option<i64>,
        source: &'static str,
        samples: Vec<Sample>,
        evaluation: Option<&Evaluation>,
        progress: &mut (dyn FnMut(&str, usize, usize) + Send),
    ) -> DomainResult<ModelInfo> {
        let params = training_params();
        let forest = Forest::train(&samples, &params, &mut |d, t| progress("trees", d, t))
            .map_err(|e| DomainError::invalid("csv", "cannot_train", e.to_string()))?;
        let bytes = forest.to_bytes().map_err(internal_ml)?;
        let mut tx = self.db.begin_write().await?;
        let n = store::count(&mut tx).await? + 1;
        let prefix = if source == "csv" { "csv" } else { "kb" };
        let version = format!("{prefix}-{n}");
        let model = NewModel {
            version: &version,
            source,
            trained_by: by,
            samples: samples.len() as i64,
            classes: forest.classes().len() as i64,
            trees: forest.n_trees() as i64,
            accuracy: evaluation.map(|e| e.accuracy),
            macro_f1: evaluation.map(|e| e.macro_f1),
            baseline_accuracy: evaluation.map(|e| e.baseline_accuracy),
            bytes: &bytes,
        };
        let id = store::insert(&mut tx, &model, Timestamp::now().as_millisecond()).await?;
        let info = store::find(&mut tx, &id.to_string())
            .await?
            .ok_or(DomainError::NotFound("model"))?;
        tx.commit().await.map_err(db_error)?;
        Ok(info)
    }

    /// Administrators (or the command line, `actor` none) train a model from
    /// a CSV in the data set's layout, cross-validated first over `folds`
    /// folds if given (the figures are kept with the model); it is activated
    /// if `activate`. `progress(stage, done, total)` follows the folds, then
    /// the trees.
    pub async fn train_from_csv(
        &self,
        actor: Option<&Principal>,
        csv: &[u8],
        folds: Option<usize>,
        activate: bool,
        progress: &mut (dyn FnMut(&str, usize, usize) + Send),
    ) -> DomainResult<(ModelInfo, Option<Evaluation>)> {
        if actor.is_some_and(|a| a.role != Role::Admin) {
            return Err(DomainError::Forbidden);
        }
        let samples = crate::symptoms::dataset::read_csv(csv)
            .map_err(|e| DomainError::invalid("csv", "invalid_csv", e.to_string()))?;
        if let Some(folds) = folds
            && !(2..=20).contains(&folds)
        {
            return Err(DomainError::invalid(
                "folds",
                crate::bounds::OUT_OF_RANGE,
                "2 to 20 folds",
            ));
        }
        let evaluation = match folds {
            Some(folds) => Some(
                cross_validate(&samples, folds, &training_params(), &mut |d, t| {
                    progress("folds", d, t)
                })
                .map_err(|e| DomainError::invalid("csv", "cannot_train", e.to_string()))?,
            ),
            None => None,
        };
        let info = self
            .store_model(
                actor.map(|a| a.user_id),
                "csv",
                samples,
                evaluation.as_ref(),
                progress,
            )
            .await?;
        tracing::info!(version = %info.version, samples = info.samples, "symptom model trained");
        let info = if activate {
            self.activate(actor, &info.version).await?
        } else {
            info
        };
        Ok((info, evaluation))
    }

    /// Makes a stored model the active one (by id or version).
    pub async fn activate(
        &self,
        actor: Option<&Principal>,
        which: &str,
    ) -> DomainResult<ModelInfo> {
        if actor.is_some_and(|a| a.role != Role::Admin) {
            return Err(DomainError::Forbidden);
        }
        let mut tx = self.db.begin_write().await?;
        let info = store::find(&mut tx, which.trim())
            .await?
            .ok_or(DomainError::NotFound("model"))?;
        store::activate(&mut tx, info.id).await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(version = %info.version, "symptom model activated");
        Ok(ModelInfo {
            active: true,
            ..info
        })
    }

    /// Every stored model (administrators; the command line).
    pub async fn models(&self, actor: Option<&Principal>) -> DomainResult<Vec<ModelInfo>> {
        if actor.is_some_and(|a| a.role != Role::Admin) {
            return Err(DomainError::Forbidden);
        }
        if actor.is_some() {
            self.model().await?;
        }
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::list(&mut conn).await
    }

    /// Makes sure a model is ready (at start, so the first check is fast).
    pub async fn ensure_model(&self) -> DomainResult<String> {
        Ok(self.model().await?.version)
    }
}
