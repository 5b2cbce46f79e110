-- Orders as rows, for lists and for finding PENDING orders after a crash: one insert per order and one update
-- when it ends, instead of ever-growing index grains and a reminder per order.
CREATE TABLE IF NOT EXISTS agentops_orders
(
    order_id    uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL,
    status      varchar(16) NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS agentops_orders_user ON agentops_orders (user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS agentops_orders_created ON agentops_orders (created_at DESC);
CREATE INDEX IF NOT EXISTS agentops_orders_pending ON agentops_orders (updated_at) WHERE status = 'PENDING';

-- Each warehouse's shipment log. A warehouse grain keeps new confirmations in its state (written together with
-- the stock they took) and moves them here in batches, so its state stays small however many orders it ships.
CREATE TABLE IF NOT EXISTS agentops_shipments
(
    warehouse     varchar(64) NOT NULL,
    order_id      uuid        NOT NULL,
    shipment_id   uuid        NOT NULL,
    items         json        NOT NULL,
    remaining     json        NOT NULL,
    shipped_at    timestamptz NOT NULL,
    PRIMARY KEY (warehouse, order_id)
);

CREATE INDEX IF NOT EXISTS agentops_shipments_time ON agentops_shipments (warehouse, shipped_at DESC);
