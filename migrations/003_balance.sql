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

-- A level's target size: when set, it is the ideal every grid of the level
-- is measured against, instead of the mean of its siblings.
ALTER TABLE plan_level ADD COLUMN target_persons integer CHECK (target_persons > 0);

-- Per-plan balance settings. A plan without a row uses the defaults.
-- units_epoch counts statements that changed the plan's units: the balance
-- audit keeps counts in memory and updates them per edited grid, and the
-- epoch tells it when units changed underneath (an import), so that it
-- recounts everything instead.
CREATE TABLE plan_balance (
    plan_id       bigint PRIMARY KEY REFERENCES plan (id) ON DELETE CASCADE,
    -- How a polygon unit (census block, compound) is shared among grids:
    -- by the area of it each grid holds, or wholly to the grid holding its
    -- interior point (ST_PointOnSurface).
    polygon_units text NOT NULL DEFAULT 'area_share' CHECK (polygon_units IN ('area_share', 'interior_point')),
    units_epoch   bigint NOT NULL DEFAULT 0,
    -- The plan version and settings the stored grid_stats and balance
    -- findings were computed for: a new process auditing an unchanged plan
    -- need not compare them row by row.
    results_version bigint,
    results_key     text
);

CREATE FUNCTION gridplan_bump_units_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO plan_balance AS b (plan_id, units_epoch)
        SELECT DISTINCT o.plan_id, 1 FROM old_rows o JOIN plan p ON p.id = o.plan_id
        ON CONFLICT (plan_id) DO UPDATE SET units_epoch = b.units_epoch + 1;
    ELSE
        INSERT INTO plan_balance AS b (plan_id, units_epoch)
        SELECT DISTINCT plan_id, 1 FROM new_rows
        ON CONFLICT (plan_id) DO UPDATE SET units_epoch = b.units_epoch + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER unit_epoch_ins AFTER INSERT ON unit REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_units_epoch();
CREATE TRIGGER unit_epoch_upd AFTER UPDATE ON unit REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_units_epoch();
CREATE TRIGGER unit_epoch_del AFTER DELETE ON unit REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_units_epoch();
