-- Conversations with the bots: the dialogue state (the engine's JSON), who
-- the customer is, whether a manager has taken over and by when they must
-- answer; the channel deliveries already seen (a repeated or replayed
-- webhook changes nothing); and the messages a person should review.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    bot TEXT NOT NULL,
    channel TEXT NOT NULL,
    -- The channel's chat (Telegram chat id, widget visitor, phone number).
    chat TEXT NOT NULL,
    contact_id TEXT,
    -- bot | handoff
    status TEXT NOT NULL,
    -- JSON: converse::Conversation.
    state TEXT NOT NULL,
    handoff_reason TEXT,
    sla_deadline DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (bot, channel, chat)
);
CREATE INDEX conversations_by_status ON conversations (status, sla_deadline);
CREATE INDEX conversations_by_contact ON conversations (contact_id);

CREATE TABLE deliveries (
    channel TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    received_at DATETIME NOT NULL,
    PRIMARY KEY (channel, delivery_id)
);
