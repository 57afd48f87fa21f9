-- Backups and restorations of the store (barometre sauvegarde, barometre restauration), kept apart
-- from the updates, which say when the figures last changed.
CREATE TABLE operations (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('sauvegarde', 'restauration')),
    file TEXT NOT NULL,
    checksum TEXT NOT NULL,
    data_version BIGINT NOT NULL
);
