-- Vitals from devices: the device registry, raw readings (one narrow row per
-- measured value) and per-minute summaries kept far longer than raw rows.
-- Instants are Unix milliseconds (UTC).

CREATE TABLE devices (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('capteur_cardiaque', 'capteur_temperature',
                       'capteur_pression', 'capteur_oxygene', 'capteur_glycemie', 'capteur_respiratoire')),
    mac            TEXT    NOT NULL UNIQUE,
    ip             TEXT,
    patient_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status         TEXT    NOT NULL CHECK (status IN ('actif', 'inactif', 'maintenance', 'erreur')),
    last_seen_at   BIGINT,
    firmware       TEXT,
    battery        INTEGER,
    signal         INTEGER,
    -- SHA-256 of the device's secret (a long random value; never stored).
    secret_hash    TEXT    NOT NULL,
    revoked_at     BIGINT,
    registered_by  BIGINT,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
CREATE INDEX devices_patient_idx ON devices (patient_id);

-- No foreign keys: readings are written in large groups, and outlive the
-- device that measured them.
CREATE TABLE readings (
    id           INTEGER PRIMARY KEY,
    patient_id   BIGINT  NOT NULL,
    device_id    BIGINT  NOT NULL,
    -- Vital::code(): 1 heart rate, 2 respiratory rate, 3 temperature, 4 SpO2,
    -- 5 systolic, 6 diastolic, 7 glucose, 8 oxygen flow, 9 consciousness.
    vital        INTEGER NOT NULL,
    value        REAL    NOT NULL,
    measured_at  BIGINT  NOT NULL,
    quality      INTEGER NOT NULL
);
-- The latest value per patient and vital, and a chart's range.
CREATE INDEX readings_patient_vital_idx ON readings (patient_id, vital, measured_at);
-- Retention pruning.
CREATE INDEX readings_measured_idx ON readings (measured_at);

CREATE TABLE reading_minutes (
    patient_id   BIGINT  NOT NULL,
    vital        INTEGER NOT NULL,
    -- Start of the minute.
    minute       BIGINT  NOT NULL,
    min_value    REAL    NOT NULL,
    max_value    REAL    NOT NULL,
    sum_value    REAL    NOT NULL,
    count        BIGINT  NOT NULL,
    PRIMARY KEY (patient_id, vital, minute)
);
CREATE INDEX reading_minutes_minute_idx ON reading_minutes (minute);
