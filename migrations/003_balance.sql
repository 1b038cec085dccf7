-- Computed population figures per grid from the latest balance audit. The
-- grid endpoints, exports and tiles join them, so maps can colour by them.
-- Keyed by code (not grid id) so a re-import keeps nothing stale: the
-- balance audit rewrites a plan's rows in one transaction.
CREATE TABLE grid_stats (
    plan_id       bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    code          text NOT NULL,
    persons       integer NOT NULL,
    households    integer NOT NULL,
    deviation_pct double precision,
    band          text CHECK (band IN ('under', 'within', 'over')),
    PRIMARY KEY (plan_id, code)
);
