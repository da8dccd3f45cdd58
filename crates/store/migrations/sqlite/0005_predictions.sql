-- Predictions: the model registry (every trained model kept, one active per
-- task) and the latest score of each record with its reasons and action.
CREATE TABLE models (
    id TEXT PRIMARY KEY,
    task TEXT NOT NULL,
    version INTEGER NOT NULL,
    -- candidate | active | retired
    status TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    created_by TEXT NOT NULL,
    -- SHA-256 of the training table: which data made this model.
    data_hash TEXT NOT NULL,
    -- JSON: held-out figures (folds and the later-in-time holdout).
    metrics TEXT NOT NULL,
    -- JSON: the model itself.
    body TEXT NOT NULL,
    promoted_at DATETIME,
    promoted_by TEXT,
    UNIQUE (task, version)
);

CREATE TABLE scores (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    model_id TEXT NOT NULL,
    probability REAL NOT NULL,
    low REAL,
    high REAL,
    -- JSON: the factors, largest first.
    reasons TEXT NOT NULL,
    -- call_now | call_today | head_of_sales | discount | nurture
    action TEXT NOT NULL,
    scored_at DATETIME NOT NULL,
    PRIMARY KEY (kind, record_id)
);
CREATE INDEX scores_rank ON scores (kind, probability DESC);
