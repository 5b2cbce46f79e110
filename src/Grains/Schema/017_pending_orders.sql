-- Which orders may be PENDING, kept out of agentops_orders. Measured under the orders load: no update of an order
-- row was HOT (the partial index on PENDING covers status and updated_at, which the order's end changes), so each
-- order's end wrote a new row version on another page plus an entry in each of the table's other three indexes,
-- and left dead entries there for vacuum to find in indexes that only grow.
-- Every write that leaves an order PENDING appends its id here in the same transaction; nothing is deleted per
-- order (a queue table with a delete per order bloated between two autovacuums, and its planner estimates went with
-- it). Each sweep replaces the notes it sees by one per order still PENDING and resumes the stalled ones.
-- No index: it holds the orders of about one sweep period and is only ever read whole.
-- No order may become PENDING between the copy below and the index's removal without being noted: hold writers off
-- until this script commits. Silos of a version before this script do not note their orders: stop them before it
-- runs (README, Known limits).
LOCK TABLE agentops_orders IN SHARE MODE;

CREATE TABLE IF NOT EXISTS agentops_pending_orders
(
    order_id uuid NOT NULL
);

INSERT INTO agentops_pending_orders (order_id)
SELECT order_id FROM agentops_orders WHERE status = 'PENDING';

DROP INDEX IF EXISTS agentops_orders_pending;

-- A new row takes ~1,000 bytes (with its payload), its end ~430: leave room for that on the row's own page.
ALTER TABLE agentops_orders SET (fillfactor = 70);
