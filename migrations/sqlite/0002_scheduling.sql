-- Scheduling: doctors' profiles and booking rules, weekly availability,
-- exceptions, appointments with their history, and per-slot place counters.
-- Instants are Unix milliseconds (UTC); availability times are wall-clock
-- 'HH:MM' in the doctor's time zone. Weekdays: 0 = Monday … 6 = Sunday.

ALTER TABLE doctor_profiles ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE doctor_profiles ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE doctor_profiles ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE doctor_profiles ADD COLUMN languages TEXT NOT NULL DEFAULT 'fr';
ALTER TABLE doctor_profiles ADD COLUMN timezone TEXT NOT NULL DEFAULT 'Europe/Paris';
ALTER TABLE doctor_profiles ADD COLUMN min_notice_minutes BIGINT NOT NULL DEFAULT 60;
ALTER TABLE doctor_profiles ADD COLUMN max_advance_days BIGINT NOT NULL DEFAULT 90;
ALTER TABLE doctor_profiles ADD COLUMN buffer_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE doctor_profiles ADD COLUMN cancel_cutoff_minutes BIGINT NOT NULL DEFAULT 1440;

CREATE TABLE availabilities (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id          BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    weekday            BIGINT  NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_time         TEXT    NOT NULL,
    end_time           TEXT    NOT NULL,
    consultation_type  TEXT    NOT NULL CHECK (consultation_type IN ('in_person', 'remote', 'both')),
    duration_minutes   BIGINT  NOT NULL,
    capacity           BIGINT  NOT NULL,
    location           TEXT,
    active             BIGINT  NOT NULL DEFAULT 1,
    created_at         BIGINT  NOT NULL
);
CREATE INDEX availabilities_doctor_idx ON availabilities (doctor_id);

CREATE TABLE availability_exceptions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id         BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starts_at         BIGINT  NOT NULL,
    ends_at           BIGINT  NOT NULL,
    kind              TEXT    NOT NULL,
    reason            TEXT    NOT NULL DEFAULT '',
    recurring_weekly  BIGINT  NOT NULL DEFAULT 0,
    created_at        BIGINT  NOT NULL
);
CREATE INDEX availability_exceptions_doctor_idx ON availability_exceptions (doctor_id, starts_at);

CREATE TABLE appointments (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id         BIGINT  NOT NULL REFERENCES users (id),
    doctor_id          BIGINT  NOT NULL REFERENCES users (id),
    starts_at          BIGINT  NOT NULL,
    ends_at            BIGINT  NOT NULL,
    consultation_type  TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    reason             TEXT    NOT NULL DEFAULT '',
    doctor_message     TEXT    NOT NULL DEFAULT '',
    location           TEXT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);
CREATE INDEX appointments_doctor_idx ON appointments (doctor_id, starts_at);
CREATE INDEX appointments_patient_idx ON appointments (patient_id, starts_at);

CREATE TABLE appointment_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id  BIGINT  NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    status          TEXT    NOT NULL,
    actor_id        BIGINT  REFERENCES users (id),
    note            TEXT    NOT NULL DEFAULT '',
    at              BIGINT  NOT NULL
);
CREATE INDEX appointment_events_appointment_idx ON appointment_events (appointment_id);

-- Places taken per slot. Booking increments `taken` with a conditional upsert, so
-- the capacity check and the write are one statement inside the transaction.
CREATE TABLE slot_places (
    doctor_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starts_at  BIGINT NOT NULL,
    capacity   BIGINT NOT NULL,
    taken      BIGINT NOT NULL,
    PRIMARY KEY (doctor_id, starts_at)
);
