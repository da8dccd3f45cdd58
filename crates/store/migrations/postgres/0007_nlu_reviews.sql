-- Messages a bot was unsure of, for a person to correct; corrected ones
-- become training data. They quote customers: deleted with the conversation.
CREATE TABLE nlu_reviews (
    id TEXT PRIMARY KEY,
    bot TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    text TEXT NOT NULL,
    intent TEXT NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    -- JSON: the entities the NLU found.
    entities TEXT NOT NULL,
    -- pending | corrected | dismissed
    status TEXT NOT NULL,
    corrected_intent TEXT,
    -- JSON: [{"entity", "start", "end", "value"}], as the reviewer left them.
    corrected_entities TEXT,
    reviewed_by TEXT,
    reviewed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX nlu_reviews_by_bot ON nlu_reviews (bot, status, created_at);
CREATE INDEX nlu_reviews_by_conversation ON nlu_reviews (conversation_id);
