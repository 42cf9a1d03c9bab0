-- Medical-data foundation: patients' medical profiles, care relationships,
-- emergency access, and the hash-chained access trail.
-- Instants are Unix milliseconds (UTC).

CREATE TABLE medical_profiles (
    patient_id           BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    date_of_birth        TEXT,
    sex                  TEXT    CHECK (sex IN ('female', 'male', 'other')),
    blood_group          TEXT,
    height_cm            INTEGER,
    weight_kg            DOUBLE PRECISION,
    -- JSON arrays of strings.
    allergies            TEXT    NOT NULL DEFAULT '[]',
    chronic_conditions   TEXT    NOT NULL DEFAULT '[]',
    emergency_name       TEXT,
    emergency_phone      TEXT,
    emergency_relation   TEXT,
    mobile_phone         TEXT,
    -- The mobile phone while the account is active (NULL once deactivated):
    -- unique, so that an incoming message matches one patient.
    active_mobile_phone  TEXT,
    blood_pressure_level TEXT    CHECK (blood_pressure_level IN ('low', 'normal', 'high')),
    cholesterol_level    TEXT    CHECK (cholesterol_level IN ('low', 'normal', 'high')),
    updated_at           BIGINT  NOT NULL
);
CREATE UNIQUE INDEX medical_profiles_active_mobile_phone_key ON medical_profiles (active_mobile_phone);

CREATE TABLE care_relationships (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doctor_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    patient_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at      BIGINT  NOT NULL,
    origin          TEXT    NOT NULL CHECK (origin IN ('appointment', 'assigned')),
    appointment_id  BIGINT  REFERENCES appointments (id) ON DELETE SET NULL,
    started_by      BIGINT,
    ended_at        BIGINT,
    end_kind        TEXT    CHECK (end_kind IN ('withdrawn', 'ended')),
    ended_by        BIGINT
);
-- At most one running relationship per pair.
CREATE UNIQUE INDEX care_relationships_running_key ON care_relationships (doctor_id, patient_id) WHERE ended_at IS NULL;
CREATE INDEX care_relationships_patient_idx ON care_relationships (patient_id, started_at);
CREATE INDEX care_relationships_doctor_idx ON care_relationships (doctor_id, started_at);

CREATE TABLE emergency_access (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doctor_id   BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    patient_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    granted_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX emergency_access_lookup_idx ON emergency_access (doctor_id, patient_id, expires_at);

-- No foreign keys: the trail outlives what it speaks of.
CREATE TABLE access_trail (
    seq          BIGINT  PRIMARY KEY,
    at           BIGINT  NOT NULL,
    actor_id     BIGINT,
    actor_role   TEXT,
    action       TEXT    NOT NULL,
    resource     TEXT    NOT NULL,
    resource_id  TEXT,
    patient_id   BIGINT,
    door         TEXT    NOT NULL,
    request_id   TEXT,
    allowed      INTEGER NOT NULL,
    emergency    INTEGER NOT NULL,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL
);
CREATE INDEX access_trail_patient_idx ON access_trail (patient_id, seq);
CREATE INDEX access_trail_actor_idx ON access_trail (actor_id, seq);
CREATE INDEX access_trail_at_idx ON access_trail (at);

-- The chain's head (last position and hash): every append reads and moves it
-- in the appending transaction, so entries chain in one order.
CREATE TABLE access_trail_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT  NOT NULL,
    hash  TEXT    NOT NULL
);
INSERT INTO access_trail_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: the product never changes or removes an entry, and the
-- database refuses to.
CREATE FUNCTION access_trail_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access trail is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_trail_append_only BEFORE UPDATE OR DELETE ON access_trail
FOR EACH ROW EXECUTE FUNCTION access_trail_refuse_change();
