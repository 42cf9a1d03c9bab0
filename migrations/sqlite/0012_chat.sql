-- Patient–doctor chat (seed 001's ws/chat/<room>/): one room per patient and
-- doctor, opened while a care relationship joins them; its messages; how far
-- each side has read, and when each was last seen in it. Instants are Unix
-- milliseconds (UTC).

CREATE TABLE chat_rooms (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id          BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    doctor_id           BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The id of the last message each side has read (0: none).
    patient_read_up_to  BIGINT  NOT NULL DEFAULT 0,
    doctor_read_up_to   BIGINT  NOT NULL DEFAULT 0,
    -- When each side last left the room (NULL: never there).
    patient_seen_at     BIGINT,
    doctor_seen_at      BIGINT,
    last_message_at     BIGINT,
    created_at          BIGINT  NOT NULL,
    UNIQUE (patient_id, doctor_id)
);
CREATE INDEX chat_rooms_doctor_idx ON chat_rooms (doctor_id);

CREATE TABLE chat_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id     BIGINT  NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
    sender_id   BIGINT  NOT NULL REFERENCES users (id),
    body        TEXT    NOT NULL,
    sent_at     BIGINT  NOT NULL
);
CREATE INDEX chat_messages_room_idx ON chat_messages (room_id, id);
