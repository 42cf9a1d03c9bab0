-- The platform's settings edited while it runs: one JSON document (absent:
-- the defaults of the environment), its version counting the changes, and
-- every change of a field with who, when, before and after (JSON values).
-- Instants are Unix milliseconds (UTC).
CREATE TABLE platform_settings (
    id          BIGINT  PRIMARY KEY CHECK (id = 1),
    document    TEXT    NOT NULL,
    version     BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    updated_by  BIGINT
);

CREATE TABLE platform_setting_changes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        BIGINT  NOT NULL,
    actor_id  BIGINT,
    version   BIGINT  NOT NULL,
    field     TEXT    NOT NULL,
    old_value TEXT    NOT NULL,
    new_value TEXT    NOT NULL
);
CREATE INDEX platform_setting_changes_at_idx ON platform_setting_changes (at);
