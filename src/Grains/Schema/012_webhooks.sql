-- Webhook notifications of approval governance (SPEC section 8). Deliveries are an outbox: their rows are inserted in
-- the same transaction as the journal events they announce, one per (webhook, event), so an event is enqueued exactly
-- once whatever silo dies when; the dispatchers then send each row at least once.

CREATE TABLE IF NOT EXISTS agentops_webhooks
(
    webhook_id  uuid          PRIMARY KEY,
    url         varchar(2048) NOT NULL,
    -- Kept as given: the HMAC needs the secret itself, so it cannot be stored hashed.
    secret      varchar(200)  NOT NULL,
    events      text[]        NOT NULL CHECK (cardinality(events) > 0),
    format      varchar(10)   NOT NULL DEFAULT 'json' CHECK (format IN ('json', 'slack')),
    active      boolean       NOT NULL DEFAULT true,
    created_by  varchar(320)  NOT NULL,
    created_at  timestamptz   NOT NULL
);

CREATE TABLE IF NOT EXISTS agentops_webhook_deliveries
(
    delivery_id      uuid         PRIMARY KEY,
    webhook_id       uuid         NOT NULL REFERENCES agentops_webhooks (webhook_id),
    event_id         uuid         NOT NULL,
    event_type       varchar(40)  NOT NULL,
    payload          text         NOT NULL,
    status           varchar(10)  NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer      NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz  NOT NULL,
    locked_until     timestamptz  NULL,
    last_status_code integer      NULL,
    last_error       text         NULL,
    created_at       timestamptz  NOT NULL,
    delivered_at     timestamptz  NULL,
    UNIQUE (webhook_id, event_id)
);

-- What the dispatchers poll: only rows still to send.
CREATE INDEX IF NOT EXISTS agentops_webhook_deliveries_due ON agentops_webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- The delivery log of one webhook, newest first.
CREATE INDEX IF NOT EXISTS agentops_webhook_deliveries_log ON agentops_webhook_deliveries (webhook_id, created_at DESC);
