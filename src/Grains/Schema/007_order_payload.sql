-- The order row carries the accepted order itself, so that it is the durable PENDING record: an order whose silo
-- dies before its grain state is first written is rebuilt from here by the sweeper.
ALTER TABLE agentops_orders ADD COLUMN IF NOT EXISTS payload json NULL;
