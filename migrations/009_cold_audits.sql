-- A new process reads each grid's counts as the balance audit stored them
-- instead of summing a hundred thousand assignments: grid_stats keeps the
-- units a grid counts (wholly, as an overlay or by a share) beside its
-- persons and households. NULL: written before this column, to be counted
-- again.
ALTER TABLE grid_stats ADD COLUMN units integer;

-- The assignments to no grid are the only ones a new process reads row by
-- row; there are few of them.
CREATE INDEX balance_place_unassigned_idx ON balance_place (ws_id, unit_id) WHERE grid_code IS NULL;

-- Each unit's point, as the audits place it: the unit itself, or a point
-- on the surface of a polygon unit. Computed once when the unit is
-- written (after the trigger that sets geom_m) instead of by every cold
-- audit: at scale 10 that is most of a second of every read of the units.
ALTER TABLE unit
    ADD COLUMN point_m geometry(Point) GENERATED ALWAYS AS (ST_PointOnSurface(geom_m)) STORED,
    ADD COLUMN point geometry(Point, 4326) GENERATED ALWAYS AS (ST_PointOnSurface(geom)) STORED;

-- A view's grids without their geometry, as the balance report lists
-- them, from the index alone: a tenth of the pages the rows take. The
-- level index carries them, so a write of a grid updates no more indexes.
DROP INDEX grid_level_idx;
CREATE INDEX grid_level_idx ON grid (ws_id, level, code) INCLUDE (name, parent_code, kind, mode, category);

-- The units' totals, which a new process's balance report starts from,
-- from the paging index alone.
DROP INDEX unit_page_idx;
CREATE INDEX unit_page_idx ON unit (plan_id, id) INCLUDE (persons, households);
