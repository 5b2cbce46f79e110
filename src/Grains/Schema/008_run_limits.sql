-- Per-user run limits count a user's unfinished runs at every start: a partial index over unfinished rows keeps
-- that count small however many finished runs the user has.
CREATE INDEX IF NOT EXISTS agentops_runs_user_active ON agentops_runs (user_id)
    WHERE status IN ('pending', 'running', 'suspended');
