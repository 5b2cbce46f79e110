-- A run's row is updated at every journal append (version, steps, updated_at). Measured under the agents load: 6
-- updates per run, none of them HOT, so each one inserted a new entry into all seven indexes of the table, and
-- btree inserts were the largest single cost in PostgreSQL. An update can be HOT (no index touched) when no indexed
-- column changes and the page has room: keep updated_at out of the indexes and leave room on each page.
ALTER TABLE agentops_runs SET (fillfactor = 70);
DROP INDEX IF EXISTS agentops_runs_pending;
-- The approvals inbox and the sweeper find waiting runs through this; they sort the (few) waiting rows themselves.
CREATE INDEX IF NOT EXISTS agentops_runs_waiting ON agentops_runs (run_id) WHERE pending_call_id IS NOT NULL;
