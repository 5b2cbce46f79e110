-- A warehouse's stock, shipments and stock-changing operation ids as rows, written in one transaction per group
-- commit: a commit writes only what changed (the stock rows of the books it touched, the new shipments, the new
-- operation ids) instead of rewriting the warehouse's whole state, whose size grew with the catalog and the history.

CREATE TABLE IF NOT EXISTS agentops_warehouse_stock
(
    warehouse   varchar(64) NOT NULL,
    book_id     uuid        NOT NULL,
    quantity    integer     NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (warehouse, book_id)
);

-- Idempotency keys of stock-changing operations (agent tool calls), forgotten after a retention period.
CREATE TABLE IF NOT EXISTS agentops_warehouse_operations
(
    warehouse     varchar(64)  NOT NULL,
    operation_id  varchar(200) NOT NULL,
    result        varchar(32)  NOT NULL,
    recorded_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (warehouse, operation_id)
);
CREATE INDEX IF NOT EXISTS agentops_warehouse_operations_age ON agentops_warehouse_operations (recorded_at);

-- One row per warehouse: the commit version that fences out a stale activation, and the shipment count.
CREATE TABLE IF NOT EXISTS agentops_warehouse_versions
(
    warehouse      varchar(64) PRIMARY KEY,
    version        bigint      NOT NULL,
    shipped_count  bigint      NOT NULL DEFAULT 0
);

-- Opens a commit: moves the warehouse from p_expected to the next version or, if another activation committed since
-- p_expected was read, raises serialization_failure so that the whole transaction (and so the commit) is void.
CREATE OR REPLACE FUNCTION agentops_warehouse_commit(p_warehouse varchar, p_expected bigint, p_shipped bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    IF p_expected = 0 THEN
        INSERT INTO agentops_warehouse_versions (warehouse, version, shipped_count) VALUES (p_warehouse, 1, p_shipped)
        ON CONFLICT (warehouse) DO NOTHING RETURNING version INTO v;
    ELSE
        UPDATE agentops_warehouse_versions SET version = version + 1, shipped_count = shipped_count + p_shipped
         WHERE warehouse = p_warehouse AND version = p_expected RETURNING version INTO v;
    END IF;
    IF v IS NULL THEN
        RAISE EXCEPTION 'warehouse % was changed by another activation since version %', p_warehouse, p_expected
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN v;
END $$;
