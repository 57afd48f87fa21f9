-- Publications: the public reads one numbered state of the figures at a time. A load goes into a
-- draft first (draft_observations); publishing it (or rolling back to an earlier state) makes a
-- new publication. Every observation row records the publication that added it and the one that
-- replaced it, so any past state is one query: added_in <= N AND (replaced_in IS NULL OR
-- replaced_in > N). The current state is replaced_in IS NULL.
CREATE TABLE publications (
    number INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('publication', 'retour', 'reprise')),
    loaded_by TEXT NOT NULL DEFAULT '',
    published_by TEXT NOT NULL DEFAULT '',
    motive TEXT NOT NULL DEFAULT '',
    restores INTEGER,
    rows_added INTEGER NOT NULL DEFAULT 0,
    rows_corrected INTEGER NOT NULL DEFAULT 0,
    rows_removed INTEGER NOT NULL DEFAULT 0,
    flags INTEGER NOT NULL DEFAULT 0
);

-- What each publication changed, per indicator: the public log reads it without scanning rows.
CREATE TABLE publication_changes (
    publication INTEGER NOT NULL REFERENCES publications (number),
    indicator TEXT NOT NULL,
    rows_added INTEGER NOT NULL DEFAULT 0,
    rows_corrected INTEGER NOT NULL DEFAULT 0,
    rows_removed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (publication, indicator)
);

-- The months of each breakdown a publication changed: secrecy masks a month revised after it
-- was first published in every state around the revision, and finds them here.
-- (Columns in the key's order: SQLite's integrity check misreads a key in another order.)
CREATE TABLE publication_months (
    indicator TEXT NOT NULL,
    dimension TEXT NOT NULL,
    month TEXT NOT NULL,
    publication INTEGER NOT NULL,
    PRIMARY KEY (indicator, dimension, month, publication)
) WITHOUT ROWID;

-- The loads not yet published: the rows that differ from the public state.
CREATE TABLE draft_observations (
    indicator TEXT NOT NULL,
    dimension TEXT NOT NULL DEFAULT '',
    member TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    value REAL NOT NULL,
    weight REAL NOT NULL DEFAULT 1,
    PRIMARY KEY (indicator, dimension, member, date)
) WITHOUT ROWID;

-- Loads name who ran them and the publication that made them public (NULL: still in the draft).
ALTER TABLE updates ADD COLUMN loaded_by TEXT NOT NULL DEFAULT '';
ALTER TABLE updates ADD COLUMN publication INTEGER;

-- Every update committed before this migration was public at once: one publication each.
INSERT INTO publications (number, at, kind, motive, rows_added, rows_corrected)
SELECT ROW_NUMBER() OVER (ORDER BY id), at, 'reprise', source, rows_added, rows_corrected
FROM updates;
UPDATE updates SET publication = (SELECT COUNT(*) FROM updates u WHERE u.id <= updates.id);
INSERT INTO publications (number, at, kind, motive)
SELECT 1, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), 'reprise', 'Données existantes'
WHERE NOT EXISTS (SELECT 1 FROM publications) AND EXISTS (SELECT 1 FROM observations);
INSERT INTO publication_changes (publication, indicator, rows_added, rows_corrected)
SELECT p.number, i.id, p.rows_added, p.rows_corrected
FROM publications p JOIN updates u ON u.publication = p.number
JOIN indicators i ON ',' || u.indicators || ',' LIKE '%,' || i.id || ',%';

CREATE TABLE versioned_observations (
    indicator TEXT NOT NULL,
    dimension TEXT NOT NULL DEFAULT '',
    member TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    value REAL NOT NULL,
    weight REAL NOT NULL DEFAULT 1,
    added_in INTEGER NOT NULL,
    replaced_in INTEGER,
    PRIMARY KEY (indicator, dimension, member, date, added_in)
) WITHOUT ROWID;

-- The update log did not say which update added a row: a row not corrected since counts as
-- published by the first publication. Each correction becomes a replaced row.
INSERT INTO versioned_observations
SELECT o.indicator, o.dimension, o.member, o.date, o.value, o.weight,
    COALESCE((SELECT MAX(u.publication) FROM revisions r JOIN updates u ON u.id = r.update_id
              WHERE r.indicator = o.indicator AND r.dimension = o.dimension
              AND r.member = o.member AND r.date = o.date), 1),
    NULL
FROM observations o;
INSERT INTO versioned_observations
SELECT r.indicator, r.dimension, r.member, r.date, r.old_value, COALESCE(o.weight, 1),
    COALESCE(LAG(u.publication) OVER (
        PARTITION BY r.indicator, r.dimension, r.member, r.date ORDER BY r.update_id), 1),
    u.publication
FROM revisions r JOIN updates u ON u.id = r.update_id
LEFT JOIN observations o ON o.indicator = r.indicator AND o.dimension = r.dimension
    AND o.member = r.member AND o.date = r.date;
DROP TABLE observations;
DROP TABLE revisions;
ALTER TABLE versioned_observations RENAME TO observations;
CREATE INDEX observations_replaced ON observations (replaced_in) WHERE replaced_in IS NOT NULL;
INSERT INTO publication_months (publication, indicator, dimension, month)
SELECT added_in, indicator, dimension, substr(date, 1, 7) FROM observations
UNION SELECT replaced_in, indicator, dimension, substr(date, 1, 7) FROM observations
WHERE replaced_in IS NOT NULL;
