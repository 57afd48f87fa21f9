-- Initial schema of the Baromètre's store (PostgreSQL dialect): the same tables as
-- sql/sqlite/001_initial.sql, with dates kept as ISO text so that both engines compare them alike.
CREATE TABLE indicators (
    id TEXT PRIMARY KEY,
    family TEXT NOT NULL,
    title TEXT NOT NULL,
    unit TEXT NOT NULL,
    aggregation TEXT NOT NULL CHECK (aggregation IN ('somme', 'dernier', 'moyenne')),
    start_date TEXT NOT NULL,
    frequency TEXT NOT NULL
);

-- One row per indicator, date and breakdown member. The national total has dimension = '' and
-- member = ''; a breakdown row names its dimension (motif, departement…) and member code.
-- weight is the weight of the value in a weighted mean (aggregation 'moyenne'); 1 elsewhere.
CREATE TABLE observations (
    indicator TEXT NOT NULL,
    dimension TEXT NOT NULL DEFAULT '',
    member TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL CHECK (date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    value DOUBLE PRECISION NOT NULL,
    weight DOUBLE PRECISION NOT NULL DEFAULT 1,
    PRIMARY KEY (indicator, dimension, member, date)
);

-- What each write did: demo generation or ingestion of a file.
CREATE TABLE updates (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('demo', 'ingestion')),
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL DEFAULT '',
    rows_added INTEGER NOT NULL DEFAULT 0,
    rows_corrected INTEGER NOT NULL DEFAULT 0,
    rows_unchanged INTEGER NOT NULL DEFAULT 0,
    indicators TEXT NOT NULL DEFAULT ''
);

-- Corrected figures: the value they replaced, and which update replaced it.
CREATE TABLE revisions (
    update_id BIGINT NOT NULL REFERENCES updates (id),
    indicator TEXT NOT NULL,
    dimension TEXT NOT NULL,
    member TEXT NOT NULL,
    date TEXT NOT NULL,
    old_value DOUBLE PRECISION NOT NULL,
    new_value DOUBLE PRECISION NOT NULL
);

-- Key/value facts about the store: data_version (bumped by every committed write), content.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO meta (key, value) VALUES ('data_version', '0'), ('content', 'vide');
