-- Open WebSockets of every instance (`/api/iot/sessions/`): a row per socket,
-- removed when it closes; rows of an instance that died stop being touched
-- and are purged by housekeeping. Instants are Unix milliseconds (UTC).
CREATE TABLE live_sockets (
    id              TEXT    PRIMARY KEY,
    instance        TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('user', 'device')),
    user_id         BIGINT,
    device_id       BIGINT,
    room            TEXT    NOT NULL,
    address         TEXT,
    user_agent      TEXT,
    connected_at    BIGINT  NOT NULL,
    last_activity   BIGINT  NOT NULL
);
CREATE INDEX live_sockets_activity_idx ON live_sockets (last_activity);
