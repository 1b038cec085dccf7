-- The balance audit's assignments, kept so that a new process audits a view
-- from them instead of reading every grid's geometry and placing every
-- unit again. They are written with grid_stats and the balance findings,
-- under the same stamp (workspace.results_version and results_key): a
-- full count writes them all, a change set only the rows of the units it
-- placed again; anything else that changes the view (an import, SQL into
-- the tables) moves its version past the stamp, and the next audit counts
-- afresh and writes them again.

-- Where each unit counts at each level: role 't' is the tiling grid that
-- counts it wholly (grid_code NULL: no tiling grid holds it), 'o' an
-- overlay special grid counting it again, 'p' the share of a polygon unit
-- one grid holds by area (grid_code NULL: the share no grid holds).
CREATE TABLE balance_place (
    ws_id      bigint NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    level      integer NOT NULL,
    unit_id    bigint NOT NULL,
    role       "char" NOT NULL CHECK (role IN ('t', 'o', 'p')),
    grid_code  text,
    persons    integer NOT NULL,
    households integer NOT NULL
);
CREATE INDEX balance_place_unit_idx ON balance_place (ws_id, level, unit_id);

-- Each grid's shape as the balance audit measured it (plan's metric CRS):
-- what its report shows without reading the geometry.
CREATE TABLE balance_grid (
    ws_id       bigint NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    code        text NOT NULL,
    area_m2     double precision NOT NULL,
    compactness double precision NOT NULL,
    parts       integer NOT NULL,
    min_x       double precision NOT NULL, -- bounding box
    min_y       double precision NOT NULL,
    max_x       double precision NOT NULL,
    max_y       double precision NOT NULL,
    PRIMARY KEY (ws_id, code)
);

-- What each check's stored findings of a view were computed for (its
-- version and settings, as the check spells them): a new process that
-- computes the same findings again finds them stored and writes nothing —
-- at scale 10 the service circles alone store over a hundred thousand.
CREATE TABLE finding_stamp (
    ws_id      bigint NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    check_name text NOT NULL,
    stamp      text NOT NULL,
    PRIMARY KEY (ws_id, check_name)
);
