-- The activity log: what administrators and doctors did (accounts,
-- specialties, hours, validations, exports, care teams, emergency accesses)
-- and every sign-in, refused ones too. Apart from the access trail (which
-- patients read); it holds no medical content. Instants are Unix
-- milliseconds (UTC).
CREATE TABLE activity_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           BIGINT  NOT NULL,
    -- Who acted; absent for a refused sign-in to no known account.
    actor_id     BIGINT,
    actor_role   TEXT,
    action       TEXT    NOT NULL,
    -- What it was done to: `user`, `specialty`, `consultation`, `export`,
    -- `patient`…, and its id.
    target_kind  TEXT,
    target_id    BIGINT,
    -- A code saying more (`role:doctor`, `bad_password`…), never a sentence.
    detail       TEXT,
    door         TEXT    NOT NULL,
    request_id   TEXT
);
CREATE INDEX activity_log_at_idx ON activity_log (at);
CREATE INDEX activity_log_actor_idx ON activity_log (actor_id, at);
