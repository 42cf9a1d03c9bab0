-- Wards (`ws/monitoring/<room>/`): a name, its patients, its staff; defined
-- by administrators.
CREATE TABLE wards (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL
);
CREATE TABLE ward_patients (
    ward_id     BIGINT  NOT NULL REFERENCES wards (id) ON DELETE CASCADE,
    patient_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (ward_id, patient_id)
);
CREATE TABLE ward_staff (
    ward_id     BIGINT  NOT NULL REFERENCES wards (id) ON DELETE CASCADE,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (ward_id, user_id)
);
CREATE INDEX ward_staff_user_idx ON ward_staff (user_id);
