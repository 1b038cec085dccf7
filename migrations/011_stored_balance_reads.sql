-- A new process's balance report reads every grid's stored counts and
-- measured shape. Their primary keys carry those columns, so both come
-- from the index alone, in code order, without visiting rows of the
-- other views (drafts, revisions) that share the tables: a third of the
-- time of the heap scans they replace.
ALTER TABLE grid_stats DROP CONSTRAINT grid_stats_pkey,
    ADD PRIMARY KEY (ws_id, code) INCLUDE (persons, households, units);
ALTER TABLE balance_grid DROP CONSTRAINT balance_grid_pkey,
    ADD PRIMARY KEY (ws_id, code) INCLUDE (area_m2, compactness, parts, min_x, min_y, max_x, max_y);

-- The boundary two grids of a view share (a < b by code), as the balance
-- audit measured it within the adjacency tolerance tol_m for its merge
-- suggestions: a new process reads it instead of the pair's geometry.
-- A row is good while neither grid's measured shape (balance_grid) has
-- been written again since: every rewrite of a shape deletes its rows.
CREATE TABLE balance_shared (
    ws_id    bigint NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    a        text NOT NULL,
    b        text NOT NULL,
    tol_m    double precision NOT NULL,
    shared_m double precision NOT NULL,
    PRIMARY KEY (ws_id, a, b) INCLUDE (tol_m, shared_m)
);
