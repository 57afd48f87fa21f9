-- Initial schema of the Baromètre's store (SQLite dialect).
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
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    value REAL NOT NULL,
    weight REAL NOT NULL DEFAULT 1,
    PRIMARY KEY (indicator, dimension, member, date)
) WITHOUT ROWID;

-- What each write did: demo generation or ingestion of a file.
CREATE TABLE updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    update_id INTEGER NOT NULL REFERENCES updates (id),
    indicator TEXT NOT NULL,
    dimension TEXT NOT NULL,
    member TEXT NOT NULL,
    date TEXT NOT NULL,
    old_value REAL NOT NULL,
    new_value REAL NOT NULL
);

-- Key/value facts about the store: data_version (bumped by every committed write), content.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO meta (key, value) VALUES ('data_version', '0'), ('content', 'vide');
