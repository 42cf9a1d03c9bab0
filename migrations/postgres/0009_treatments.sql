-- Treatments (seed 000 `/api/treatments/`): what a patient takes, how often
-- and for how long; the doses they tick; the reminders sent at dose time.
-- Instants are Unix milliseconds (UTC); days and clock times are the
-- patient's wall clock in their time zone.

-- The patient's IANA time zone (NULL: the platform's, Europe/Paris).
ALTER TABLE medical_profiles ADD COLUMN time_zone TEXT;

CREATE TABLE treatments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    medocs_name     TEXT    NOT NULL,
    -- Doses a day.
    frequency       BIGINT  NOT NULL CHECK (frequency BETWEEN 1 AND 12),
    started_at      BIGINT  NOT NULL,
    duration_days   BIGINT  NOT NULL CHECK (duration_days BETWEEN 1 AND 3650),
    ends_at         BIGINT  NOT NULL,
    -- JSON array of "HH:MM", one per dose, in order.
    dose_times      TEXT    NOT NULL,
    instructions    TEXT,
    -- The doctor who prescribed it (NULL: the patient added it).
    prescribed_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    consultation_id BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX treatments_patient_idx ON treatments (patient_id, started_at);
CREATE INDEX treatments_prescriber_idx ON treatments (prescribed_by, started_at);
CREATE INDEX treatments_running_idx ON treatments (ends_at);

CREATE TABLE treatment_doses (
    treatment_id  BIGINT  NOT NULL REFERENCES treatments (id) ON DELETE CASCADE,
    -- The patient's day (YYYY-MM-DD) and the dose's time ("HH:MM").
    day           TEXT    NOT NULL,
    dose_time     TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('taken', 'skipped')),
    recorded_at   BIGINT  NOT NULL,
    PRIMARY KEY (treatment_id, day, dose_time)
);

-- One reminder per dose, whatever the number of instances or restarts.
CREATE TABLE treatment_reminders (
    treatment_id  BIGINT  NOT NULL REFERENCES treatments (id) ON DELETE CASCADE,
    day           TEXT    NOT NULL,
    dose_time     TEXT    NOT NULL,
    sent_at       BIGINT  NOT NULL,
    PRIMARY KEY (treatment_id, day, dose_time)
);
