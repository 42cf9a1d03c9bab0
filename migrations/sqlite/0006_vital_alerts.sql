-- Alerts on vital signs, and the thresholds a doctor sets for one patient.
-- Instants are Unix milliseconds (UTC).

CREATE TABLE vital_alerts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id         BIGINT,
    -- What it is about: `spo2_low`, `news2`, `no_signal:12`…
    condition         TEXT    NOT NULL,
    level             TEXT    NOT NULL CHECK (level IN ('info', 'warning', 'critical', 'emergency')),
    title             TEXT    NOT NULL,
    message           TEXT    NOT NULL,
    first_value       REAL,
    peak_value        REAL,
    last_value        REAL,
    count             BIGINT  NOT NULL,
    raised_at         BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    cleared_at        BIGINT,
    acknowledged_at   BIGINT,
    acknowledged_by   BIGINT,
    escalated_at      BIGINT
);
-- One active alert per patient and condition: repeats update it.
CREATE UNIQUE INDEX vital_alerts_active_key ON vital_alerts (patient_id, condition) WHERE cleared_at IS NULL;
CREATE INDEX vital_alerts_patient_idx ON vital_alerts (patient_id, raised_at);
CREATE INDEX vital_alerts_open_idx ON vital_alerts (cleared_at, level, raised_at);

CREATE TABLE alert_rules (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    vital         TEXT    NOT NULL,
    direction     TEXT    NOT NULL CHECK (direction IN ('below', 'above')),
    level         TEXT    NOT NULL CHECK (level IN ('info', 'warning', 'critical', 'emergency')),
    threshold     REAL    NOT NULL,
    inclusive     INTEGER NOT NULL,
    clear_at      REAL    NOT NULL,
    for_seconds   BIGINT  NOT NULL,
    consecutive   BIGINT  NOT NULL,
    set_by        BIGINT,
    updated_at    BIGINT  NOT NULL
);
CREATE UNIQUE INDEX alert_rules_kind_key ON alert_rules (patient_id, vital, direction, level);
