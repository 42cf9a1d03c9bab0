-- The symptom checker: trained models are data (versioned, one active), and
-- every check records the model version that answered.

CREATE TABLE symptom_models (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version            TEXT    NOT NULL UNIQUE,
    source             TEXT    NOT NULL CHECK (source IN ('knowledge_base', 'csv')),
    trained_at         BIGINT  NOT NULL,
    trained_by         BIGINT,
    samples            BIGINT  NOT NULL,
    classes            BIGINT  NOT NULL,
    trees              BIGINT  NOT NULL,
    accuracy           DOUBLE PRECISION,
    macro_f1           DOUBLE PRECISION,
    baseline_accuracy  DOUBLE PRECISION,
    active             BIGINT  NOT NULL DEFAULT 0,
    model              BYTEA   NOT NULL
);
-- At most one active model.
CREATE UNIQUE INDEX symptom_models_active_key ON symptom_models (active) WHERE active = 1;

CREATE TABLE symptom_checks (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    model_id         BIGINT  NOT NULL REFERENCES symptom_models (id),
    checked_at       BIGINT  NOT NULL,
    -- The features the model read (JSON) and what it answered.
    features         TEXT    NOT NULL,
    prediction       TEXT    NOT NULL,
    confidence       DOUBLE PRECISION NOT NULL,
    urgency          TEXT    NOT NULL,
    red_flags        TEXT    NOT NULL,
    specialty        TEXT    NOT NULL
);
CREATE INDEX symptom_checks_patient_idx ON symptom_checks (patient_id, checked_at);
