-- The order grain's state lives in its row (OrderRowStorage): the outcome, the row's status and the state are one
-- statement, batched with other orders' writes, instead of a grain-state transaction per order plus a status update.
-- state_version is the state's ETag: 0 until the state is first written.
ALTER TABLE agentops_orders ADD COLUMN IF NOT EXISTS state bytea NULL;
ALTER TABLE agentops_orders ADD COLUMN IF NOT EXISTS state_version integer NOT NULL DEFAULT 0;
