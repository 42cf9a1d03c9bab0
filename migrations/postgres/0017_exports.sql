-- Research exports (seed 003's DataExportJob): what an administrator asked
-- for, how far the background job got, and the file it wrote. Instants are
-- Unix milliseconds (UTC); the range's days are the clinic's calendar days.

-- The postcode of the patient's address: its area (the first two digits, a
-- French département) is one of an export's quasi-identifiers.
ALTER TABLE medical_profiles ADD COLUMN postal_code TEXT;

-- Why an entry's actor had to say (personal data in a research export).
ALTER TABLE access_trail ADD COLUMN reason TEXT;

CREATE TABLE export_jobs (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_by             BIGINT  NOT NULL REFERENCES users (id),
    dataset                TEXT    NOT NULL,
    export_format          TEXT    NOT NULL,
    -- First and last day (YYYY-MM-DD), both included.
    date_start             TEXT    NOT NULL,
    date_end               TEXT    NOT NULL,
    include_personal_data  BIGINT  NOT NULL,
    -- Why personal data is included (required then; in the trail too).
    personal_data_reason   TEXT,
    include_free_text      BIGINT  NOT NULL,
    -- The rest of the request (status, age band, sex, specialty, dates,
    -- k), as JSON.
    filters                TEXT    NOT NULL,
    max_records            BIGINT  NOT NULL,
    status                 TEXT    NOT NULL
                           CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'expired')),
    rows_done              BIGINT  NOT NULL DEFAULT 0,
    rows_estimated         BIGINT,
    records_count          BIGINT,
    suppressed_count       BIGINT,
    -- Under the data directory; NULL until completed, and once removed.
    file_path              TEXT,
    file_size              BIGINT,
    error                  TEXT,
    -- The per-export secret pseudonyms and date shifts are drawn from.
    secret                 TEXT    NOT NULL,
    created_at             BIGINT  NOT NULL,
    started_at             BIGINT,
    finished_at            BIGINT
);
CREATE INDEX export_jobs_created_idx ON export_jobs (created_at);
