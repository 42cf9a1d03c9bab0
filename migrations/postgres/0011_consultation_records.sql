-- Consultation records (seed 003's "fiche"): the patient's intake, the
-- doctor's examination and conclusion, the statuses, the dated addenda after
-- validation, and the message thread between the patient and their doctor.
-- Sections are JSON documents checked by the domain; instants are Unix
-- milliseconds (UTC).

CREATE TABLE consultations (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The doctor the record is addressed to.
    doctor_id         BIGINT  NOT NULL REFERENCES users (id),
    -- One record per appointment.
    appointment_id    BIGINT  UNIQUE REFERENCES appointments (id) ON DELETE SET NULL,
    status            TEXT    NOT NULL
                      CHECK (status IN ('draft', 'submitted', 'validated', 'rejected')),
    intake            TEXT    NOT NULL,
    examination       TEXT    NOT NULL,
    -- Recent readings, frozen at validation (JSON; NULL before).
    vitals            TEXT,
    symptom_check_id  BIGINT  REFERENCES symptom_checks (id) ON DELETE SET NULL,
    rejection_reason  TEXT,
    created_by        BIGINT  NOT NULL,
    submitted_at      BIGINT,
    validated_at      BIGINT,
    validated_by      BIGINT  REFERENCES users (id),
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE INDEX consultations_patient_idx ON consultations (patient_id, updated_at);
CREATE INDEX consultations_doctor_idx ON consultations (doctor_id, status, updated_at);

CREATE TABLE consultation_addenda (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id  BIGINT  NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    author_id        BIGINT  NOT NULL REFERENCES users (id),
    body             TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX consultation_addenda_idx ON consultation_addenda (consultation_id, id);

CREATE TABLE consultation_messages (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id  BIGINT  NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    -- NULL: a message from a number no account has (WhatsApp/SMS).
    sender_id        BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    body             TEXT    NOT NULL,
    channel          TEXT    NOT NULL CHECK (channel IN ('portal', 'whatsapp', 'sms')),
    sent_at          BIGINT  NOT NULL,
    -- When the other side read it.
    read_at          BIGINT
);
CREATE INDEX consultation_messages_idx ON consultation_messages (consultation_id, id);
