-- Messaging: the durable jobs every background task shares, each person's
-- channels, the messages sent to them (the outbox), the WhatsApp/SMS
-- webhook events received (seed 003's WebhookEvent), numbers that opted out,
-- and the assistant's conversations by phone number. Instants are Unix
-- milliseconds (UTC).

-- One row per piece of background work. `key` makes enqueueing idempotent;
-- a worker claims a due job by setting `lease_until` (PostgreSQL: FOR UPDATE
-- SKIP LOCKED; SQLite: the single writer); a job whose lease ran out without
-- being finished is claimed again.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    run_at       BIGINT  NOT NULL,
    attempts     BIGINT  NOT NULL DEFAULT 0,
    max_attempts BIGINT  NOT NULL,
    lease_until  BIGINT,
    last_error   TEXT,
    finished_at  BIGINT,
    created_at   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX jobs_key_key ON jobs (key);
CREATE INDEX jobs_due_idx ON jobs (finished_at, run_at);

-- How a person wants to be reached outside the portals. No row: SMS and
-- e-mail on, WhatsApp off, no quiet hours, the account's language.
CREATE TABLE message_preferences (
    user_id      BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sms          BIGINT  NOT NULL,
    whatsapp     BIGINT  NOT NULL,
    email        BIGINT  NOT NULL,
    reminders    BIGINT  NOT NULL,
    -- Local "HH:MM" in the person's zone; both or neither.
    quiet_start  TEXT,
    quiet_end    TEXT,
    updated_at   BIGINT  NOT NULL
);

-- Every message the platform sends outside the portals. Written in the same
-- transaction as what caused it; a job delivers it. `idempotency_key` travels
-- with every try, so a provider that saw it once never delivers it twice.
CREATE TABLE outbound_messages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel          TEXT    NOT NULL CHECK (channel IN ('sms', 'whatsapp', 'email')),
    -- What it says, as data (worded in the reader's language when sent).
    kind             TEXT    NOT NULL,
    data             TEXT    NOT NULL,
    urgent           BIGINT  NOT NULL,
    -- For reminders: the appointment and the start it was written for.
    appointment_id   BIGINT  REFERENCES appointments (id) ON DELETE SET NULL,
    for_starts_at    BIGINT,
    status           TEXT    NOT NULL
                     CHECK (status IN ('queued', 'sent', 'delivered', 'failed', 'dropped')),
    status_reason    TEXT,
    address          TEXT,
    attempts         BIGINT  NOT NULL DEFAULT 0,
    idempotency_key  TEXT    NOT NULL,
    provider_id      TEXT,
    send_after       BIGINT  NOT NULL,
    sent_at          BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
CREATE UNIQUE INDEX outbound_messages_idempotency_key_key ON outbound_messages (idempotency_key);
CREATE INDEX outbound_messages_user_idx ON outbound_messages (user_id, id);
CREATE INDEX outbound_messages_status_idx ON outbound_messages (status, id);
CREATE INDEX outbound_messages_appointment_idx ON outbound_messages (appointment_id);
CREATE INDEX outbound_messages_provider_idx ON outbound_messages (provider_id);

-- Seed 003's WebhookEvent: everything Twilio sent, and what became of it.
-- A refused request (bad signature) is kept without its content and does not
-- hold its MessageSid: the genuine retry still gets through.
CREATE TABLE webhook_events (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    event_type          TEXT    NOT NULL
                        CHECK (event_type IN ('whatsapp_incoming', 'sms_incoming', 'status')),
    external_id         TEXT,
    sender_phone        TEXT,
    recipient_phone     TEXT,
    content             TEXT,
    raw_payload         TEXT,
    processing_status   TEXT    NOT NULL
                        CHECK (processing_status IN ('pending', 'processed', 'failed', 'ignored', 'refused')),
    reason              TEXT,
    related_user        BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    related_fiche       BIGINT  REFERENCES consultations (id) ON DELETE SET NULL,
    created_message     BIGINT  REFERENCES consultation_messages (id) ON DELETE SET NULL,
    attempts            BIGINT  NOT NULL DEFAULT 0,
    received_at         BIGINT  NOT NULL,
    processed_at        BIGINT
);
CREATE UNIQUE INDEX webhook_events_external_id_key ON webhook_events (event_type, external_id)
    WHERE processing_status <> 'refused' AND event_type <> 'status';
CREATE INDEX webhook_events_received_idx ON webhook_events (received_at);

-- Numbers that answered STOP (ARRET): nothing is sent to them until START.
CREATE TABLE phone_opt_outs (
    phone       TEXT    PRIMARY KEY,
    created_at  BIGINT  NOT NULL
);

-- What the assistant remembers of a conversation by SMS or WhatsApp (last
-- search, options offered, action awaiting a yes), per number, forgotten
-- after a quiet period.
CREATE TABLE assistant_threads (
    phone       TEXT    PRIMARY KEY,
    state       TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL
);
