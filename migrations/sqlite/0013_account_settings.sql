-- Each person's own settings: the time zone and language the portals use for
-- them (empty: the browser's), and one-time password reset links issued by an
-- administrator (only a hash of the token is kept); refused sign-ins counted
-- per hour for the administrators' home (no name or address kept).
ALTER TABLE users ADD COLUMN timezone TEXT;
ALTER TABLE users ADD COLUMN language TEXT;

CREATE TABLE password_resets (
    token_hash  TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);

CREATE TABLE sign_in_failures (
    hour   BIGINT  PRIMARY KEY,
    count  BIGINT  NOT NULL
);
