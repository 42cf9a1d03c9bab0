-- One-off slots, waitlist with timed offers, in-app notifications, private
-- calendar feeds. Instants are Unix milliseconds (UTC).

-- How long a waitlist offer holds a freed place for the patient it goes to.
ALTER TABLE doctor_profiles ADD COLUMN waitlist_hold_minutes BIGINT NOT NULL DEFAULT 60;

-- Slots a doctor opens once, beside their weekly ranges (seed: POST /api/slots/).
CREATE TABLE slot_openings (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doctor_id          BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starts_at          BIGINT  NOT NULL,
    ends_at            BIGINT  NOT NULL,
    consultation_type  TEXT    NOT NULL CHECK (consultation_type IN ('in_person', 'remote', 'both')),
    capacity           BIGINT  NOT NULL,
    location           TEXT,
    created_at         BIGINT  NOT NULL
);
CREATE UNIQUE INDEX slot_openings_doctor_start_key ON slot_openings (doctor_id, starts_at);

-- Patients waiting for a place with a doctor on a local day ('YYYY-MM-DD' in the
-- doctor's zone). An offer holds the freed place (its slot_places count stays
-- taken) until offer_expires_at.
CREATE TABLE waitlist_entries (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    doctor_id         BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day               TEXT    NOT NULL,
    consultation_type TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'declined', 'left')),
    offer_starts_at   BIGINT,
    offer_ends_at     BIGINT,
    offer_expires_at  BIGINT,
    appointment_id    BIGINT  REFERENCES appointments (id),
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE INDEX waitlist_entries_queue_idx ON waitlist_entries (doctor_id, day, status, id);
CREATE INDEX waitlist_entries_patient_idx ON waitlist_entries (patient_id);
CREATE UNIQUE INDEX waitlist_entries_active_key ON waitlist_entries (patient_id, doctor_id, day)
    WHERE status IN ('waiting', 'offered');

-- In-app notifications; `data` is JSON the portals render in the reader's language.
CREATE TABLE notifications (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    read_at     BIGINT
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);

-- One private calendar feed per user; revoking deletes the row, renewing
-- replaces the token.
CREATE TABLE calendar_feeds (
    user_id     BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token       TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_token_key ON calendar_feeds (token);
