-- Accounts, sign-in sessions and their refresh tokens; specialties for doctors.
-- Instants are Unix milliseconds (UTC).

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    username       TEXT    NOT NULL,
    email          TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    first_name     TEXT    NOT NULL,
    last_name      TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('patient', 'doctor', 'admin')),
    created_at     BIGINT  NOT NULL,
    deactivated_at BIGINT
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- One row per sign-in; every refresh token of a sign-in belongs to it (its "family").
CREATE TABLE sessions (
    id          TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    jti         TEXT    PRIMARY KEY,
    session_id  TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);

CREATE TABLE specialties (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    code     TEXT NOT NULL,
    name_fr  TEXT NOT NULL,
    name_en  TEXT NOT NULL
);
CREATE UNIQUE INDEX specialties_code_key ON specialties (code);

CREATE TABLE doctor_profiles (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    specialty_id  BIGINT REFERENCES specialties (id)
);
