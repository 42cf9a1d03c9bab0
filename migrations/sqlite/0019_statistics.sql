-- Statistics: indexes for the period queries (appointments by start, alerts
-- by when they were raised, outside messages by when they were written), and
-- the assistant's answers counted per hour and kind of answer. No question is
-- kept, nor who asked. Instants are Unix milliseconds (UTC).
CREATE INDEX appointments_starts_idx ON appointments (starts_at, status, consultation_type, doctor_id, ends_at);
CREATE INDEX vital_alerts_raised_idx ON vital_alerts (raised_at, level, acknowledged_at, patient_id);
CREATE INDEX outbound_messages_created_idx ON outbound_messages (created_at, channel, status);
-- Places taken by start, for every doctor's first free slot at once.
CREATE INDEX slot_places_starts_idx ON slot_places (starts_at, doctor_id, taken);

CREATE TABLE assistant_usage (
    hour     BIGINT  NOT NULL,
    -- `understood`, `not_understood` or `emergency`.
    outcome  TEXT    NOT NULL,
    lang     TEXT    NOT NULL,
    count    BIGINT  NOT NULL,
    PRIMARY KEY (hour, outcome, lang)
);
