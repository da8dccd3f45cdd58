-- Master data: merges of duplicate records, kept whole so that each can be undone,
-- and reviewers' decisions on candidate pairs.
CREATE TABLE merges (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    golden_id TEXT NOT NULL,
    -- JSON: the member records as they were before the merge.
    snapshot TEXT NOT NULL,
    -- JSON: the references moved to the golden record, to move back on undo.
    moved TEXT NOT NULL,
    -- JSON: for each field of the golden record, its value, source record and rule.
    lineage TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    undone_at TIMESTAMPTZ,
    undone_by TEXT
);
CREATE INDEX merges_golden ON merges (golden_id);

CREATE TABLE match_decisions (
    kind TEXT NOT NULL,
    left_id TEXT NOT NULL,
    right_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    decided_by TEXT NOT NULL,
    PRIMARY KEY (kind, left_id, right_id)
);
