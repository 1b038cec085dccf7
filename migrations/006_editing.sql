-- Drafts, revisions and lineage.
--
-- A plan's grids now live in workspaces: the published one, one per draft,
-- and read-only copies of past revisions opened for reading. A workspace is
-- a materialised state — ordinary rows of the grid table with their own
-- indexes — so every read path (grids API, exports, audits, OGC API,
-- tiles) serves a draft or a revision the way it serves the published plan.
-- Units, facilities, the network, rules and settings stay the plan's and
-- are shared by all its workspaces.
--
-- History is immutable: every grid state ever committed is a grid_version
-- row, and a revision lists the grid_version ids that make up the whole
-- plan at that revision, so any revision can be read, diffed, branched from
-- or restored with byte-identical geometry.

CREATE TABLE workspace (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id       bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('published', 'draft', 'revision')),
    -- kind 'revision': the revision it holds.
    revision      integer,
    -- version increases with every change of the workspace's grids; the
    -- editing layer bumps it once per change set, triggers once per
    -- statement for anything else (an import, SQL straight into the table).
    version       bigint NOT NULL DEFAULT 1,
    -- The version whose grids the latest revision recorded: when version
    -- has moved past it without a revision (SQL straight into the table),
    -- the next revision records those changes first.
    recorded_version bigint NOT NULL DEFAULT 1,
    -- Derived data (findings, grid statistics) bump audit_version instead,
    -- so response caches invalidate without the audits doing so.
    audit_version bigint NOT NULL DEFAULT 1,
    -- The view version and settings the stored balance results are for.
    results_version bigint,
    results_key     text,
    used_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'revision') = (revision IS NOT NULL))
);
CREATE UNIQUE INDEX workspace_published_idx ON workspace (plan_id) WHERE kind = 'published';
CREATE UNIQUE INDEX workspace_revision_idx ON workspace (plan_id, revision) WHERE kind = 'revision';

-- Every plan has a published workspace from the start.
CREATE FUNCTION gridplan_plan_workspace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO workspace (plan_id, kind) VALUES (NEW.id, 'published');
    RETURN NULL;
END $$;
CREATE TRIGGER plan_workspace AFTER INSERT ON plan FOR EACH ROW EXECUTE FUNCTION gridplan_plan_workspace();
INSERT INTO workspace (plan_id, kind) SELECT id, 'published' FROM plan;

-- Grids, their statistics and the findings belong to a workspace.
ALTER TABLE grid ADD COLUMN ws_id bigint REFERENCES workspace (id) ON DELETE CASCADE;
UPDATE grid g SET ws_id = w.id FROM workspace w WHERE w.plan_id = g.plan_id AND w.kind = 'published';
ALTER TABLE grid ALTER COLUMN ws_id SET NOT NULL;
-- version_id is the grid_version row this row equals; NULL when the row
-- changed since it was last recorded (a trigger clears it).
ALTER TABLE grid ADD COLUMN version_id bigint;
-- changed_at is the workspace version at which the row last changed: a
-- change set made on an older version may not touch it.
ALTER TABLE grid ADD COLUMN changed_at bigint NOT NULL DEFAULT 0;
ALTER TABLE grid DROP CONSTRAINT grid_plan_id_code_key;
ALTER TABLE grid ADD CONSTRAINT grid_ws_code_key UNIQUE (ws_id, code);
DROP INDEX grid_geom_idx, grid_geom_m_idx, grid_level_idx, grid_parent_idx, grid_page_idx;
CREATE INDEX grid_geom_idx ON grid USING gist (ws_id, geom);
CREATE INDEX grid_geom_m_idx ON grid USING gist (ws_id, geom_m);
CREATE INDEX grid_level_idx ON grid (ws_id, level, code);
CREATE INDEX grid_parent_idx ON grid (ws_id, parent_code);
CREATE INDEX grid_page_idx ON grid (ws_id, level, id);
CREATE INDEX grid_plan_idx ON grid (plan_id);

ALTER TABLE grid_stats ADD COLUMN ws_id bigint REFERENCES workspace (id) ON DELETE CASCADE;
UPDATE grid_stats s SET ws_id = w.id FROM workspace w WHERE w.plan_id = s.plan_id AND w.kind = 'published';
ALTER TABLE grid_stats ALTER COLUMN ws_id SET NOT NULL;
ALTER TABLE grid_stats DROP CONSTRAINT grid_stats_pkey;
ALTER TABLE grid_stats ADD PRIMARY KEY (ws_id, code);

ALTER TABLE finding ADD COLUMN ws_id bigint REFERENCES workspace (id) ON DELETE CASCADE;
UPDATE finding f SET ws_id = w.id FROM workspace w WHERE w.plan_id = f.plan_id AND w.kind = 'published';
ALTER TABLE finding ALTER COLUMN ws_id SET NOT NULL;
-- The checks are a registry in the application; a new one needs no DDL.
ALTER TABLE finding DROP CONSTRAINT finding_check_name_check;
ALTER TABLE finding ADD CONSTRAINT finding_check_name_check CHECK (check_name ~ '^[a-z_]+$');
DROP INDEX finding_plan_idx, finding_geom_idx, finding_page_idx;
CREATE INDEX finding_ws_idx ON finding (ws_id, check_name, id);
CREATE INDEX finding_geom_idx ON finding USING gist (ws_id, geom);
CREATE INDEX finding_page_idx ON finding (ws_id, id);

UPDATE workspace w SET audit_version = p.audit_version, results_version = b.results_version, results_key = b.results_key
  FROM plan p LEFT JOIN plan_balance b ON b.plan_id = p.id
 WHERE p.id = w.plan_id AND w.kind = 'published';
ALTER TABLE plan DROP COLUMN audit_version;
ALTER TABLE plan_balance DROP COLUMN results_version, DROP COLUMN results_key;

-- Copies (a new draft, a revision opened for reading) bring their metric
-- geometry along; only new or moved geometry is transformed.
CREATE OR REPLACE FUNCTION gridplan_metric_geom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.geom_m IS NOT NULL THEN
        RETURN NEW;
    END IF;
    NEW.geom_m := ST_Transform(NEW.geom, (SELECT srid FROM plan WHERE id = NEW.plan_id));
    RETURN NEW;
END $$;

-- A grid row whose content changes no longer equals its recorded version.
-- The editing layer (gridplan.change_set) sets both columns itself.
CREATE FUNCTION gridplan_grid_unrecorded() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('gridplan.change_set', true), '') = 'on' THEN
        RETURN NEW;
    END IF;
    IF (NEW.code, NEW.name, NEW.level, NEW.parent_code, NEW.kind, NEW.category, NEW.mode, NEW.properties, NEW.geom)
       IS DISTINCT FROM (OLD.code, OLD.name, OLD.level, OLD.parent_code, OLD.kind, OLD.category, OLD.mode, OLD.properties, OLD.geom) THEN
        IF NEW.version_id IS NOT DISTINCT FROM OLD.version_id THEN
            NEW.version_id := NULL;
        END IF;
        IF NEW.changed_at = OLD.changed_at THEN
            NEW.changed_at := (SELECT version + 1 FROM workspace WHERE id = NEW.ws_id);
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER grid_unrecorded BEFORE UPDATE ON grid FOR EACH ROW EXECUTE FUNCTION gridplan_grid_unrecorded();

-- Grid changes bump their workspace's version, except inside a change set
-- of the editing layer, which bumps it once itself (gridplan.change_set).
CREATE FUNCTION gridplan_bump_ws_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('gridplan.change_set', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        UPDATE workspace SET version = version + 1 WHERE id IN (SELECT DISTINCT ws_id FROM old_rows);
    ELSE
        UPDATE workspace SET version = version + 1 WHERE id IN (SELECT DISTINCT ws_id FROM new_rows);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER grid_version_ins ON grid;
DROP TRIGGER grid_version_upd ON grid;
DROP TRIGGER grid_version_del ON grid;
CREATE TRIGGER grid_version_ins AFTER INSERT ON grid REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_ws_version();
CREATE TRIGGER grid_version_upd AFTER UPDATE ON grid REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_ws_version();
CREATE TRIGGER grid_version_del AFTER DELETE ON grid REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_ws_version();

CREATE OR REPLACE FUNCTION gridplan_bump_audit_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE workspace SET audit_version = audit_version + 1 WHERE id IN (SELECT DISTINCT ws_id FROM old_rows);
    ELSE
        UPDATE workspace SET audit_version = audit_version + 1 WHERE id IN (SELECT DISTINCT ws_id FROM new_rows);
    END IF;
    RETURN NULL;
END $$;

-- Every grid state ever recorded. Rows are never updated or deleted while
-- the plan exists.
CREATE TABLE grid_version (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    code        text NOT NULL,
    name        text NOT NULL,
    level       integer NOT NULL,
    parent_code text,
    kind        text NOT NULL,
    category    text NOT NULL,
    mode        text,
    properties  jsonb NOT NULL,
    geom        geometry(MultiPolygon, 4326) NOT NULL,
    geom_m      geometry(MultiPolygon) NOT NULL
);
CREATE INDEX grid_version_code_idx ON grid_version (plan_id, code);

-- Drafts: named workspaces branched from a revision.
CREATE TABLE draft (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id      bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    -- NULL once published: the draft's grids are then the published ones.
    ws_id        bigint UNIQUE REFERENCES workspace (id) ON DELETE SET NULL,
    author       text NOT NULL,
    message      text NOT NULL DEFAULT '',
    base_revision integer NOT NULL, -- the revision it branched from (or was last rebased on)
    head_revision integer NOT NULL, -- its latest revision
    state        text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'published')),
    published_revision integer,
    published_by text,
    published_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, name)
);

-- Revisions, numbered per plan. A revision on the published line has no
-- draft; publish and revert add one there.
CREATE TABLE revision (
    plan_id    bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    number     integer NOT NULL CHECK (number >= 1),
    parent     integer,
    draft_id   bigint REFERENCES draft (id) ON DELETE SET NULL,
    kind       text NOT NULL CHECK (kind IN ('import', 'edit', 'publish', 'revert', 'rebase', 'record')),
    author     text NOT NULL,
    message    text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    ops        jsonb NOT NULL DEFAULT '[]',
    -- The grid_version ids that make up the whole plan, ascending.
    grids      bigint[] NOT NULL,
    PRIMARY KEY (plan_id, number)
);
ALTER TABLE plan ADD COLUMN head_revision integer;    -- the published head
ALTER TABLE plan ADD COLUMN next_revision integer NOT NULL DEFAULT 1;

-- Lineage: what became of each grid an op changed, with the share of its
-- households (and persons) that went to each successor.
CREATE TABLE lineage (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    revision    integer NOT NULL,
    op_index    integer NOT NULL,
    op          text NOT NULL,
    from_code   text,
    to_code     text,
    households_share double precision,
    persons_share    double precision,
    households  integer,
    persons     integer,
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (plan_id, revision) REFERENCES revision (plan_id, number) ON DELETE CASCADE
);
CREATE INDEX lineage_from_idx ON lineage (plan_id, from_code);
CREATE INDEX lineage_to_idx ON lineage (plan_id, to_code);

-- Every code a plan has ever used, in any workspace: codes are never
-- reused, so a new code must not be in this table.
CREATE TABLE plan_code (
    plan_id bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    code    text NOT NULL,
    PRIMARY KEY (plan_id, code)
);
INSERT INTO plan_code (plan_id, code) SELECT DISTINCT plan_id, code FROM grid;

CREATE FUNCTION gridplan_claim_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO plan_code (plan_id, code) SELECT DISTINCT plan_id, code FROM new_rows ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER grid_claim_code_ins AFTER INSERT ON grid REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gridplan_claim_code();
CREATE FUNCTION gridplan_claim_renamed_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO plan_code (plan_id, code) VALUES (NEW.plan_id, NEW.code) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER grid_claim_code_upd AFTER UPDATE OF code ON grid FOR EACH ROW
    WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION gridplan_claim_renamed_code();

-- gridplan_record records a workspace's current grids as a new revision:
-- rows changed since they were last recorded become grid_version rows, and
-- the revision lists the whole state. It returns the revision's number.
CREATE FUNCTION gridplan_record(ws bigint, rev_kind text, rev_author text, rev_message text, rev_ops jsonb,
                                rev_parent integer, rev_draft bigint)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    p bigint;
    n integer;
    quiet text := coalesce(current_setting('gridplan.change_set', true), '');
BEGIN
    -- Recording changes no grid's content: no version bump for it.
    PERFORM set_config('gridplan.change_set', 'on', true);
    SELECT plan_id INTO p FROM workspace WHERE id = ws;
    -- Ids are drawn first, so the rows are matched by grid id (its
    -- primary key), never by a join the planner might loop over.
    WITH src AS (
        SELECT g.id AS gid, nextval(pg_get_serial_sequence('grid_version', 'id')) AS vid
          FROM grid g WHERE g.ws_id = ws AND g.version_id IS NULL),
    fresh AS (
        INSERT INTO grid_version (id, plan_id, code, name, level, parent_code, kind, category, mode, properties, geom, geom_m)
        OVERRIDING SYSTEM VALUE
        SELECT src.vid, g.plan_id, g.code, g.name, g.level, g.parent_code, g.kind, g.category, g.mode, g.properties,
               g.geom, g.geom_m
          FROM src JOIN grid g ON g.id = src.gid)
    UPDATE grid g SET version_id = src.vid FROM src WHERE g.id = src.gid;
    UPDATE plan SET next_revision = next_revision + 1 WHERE id = p RETURNING next_revision - 1 INTO n;
    INSERT INTO revision (plan_id, number, parent, draft_id, kind, author, message, ops, grids)
    VALUES (p, n, rev_parent, rev_draft, rev_kind, rev_author, rev_message, coalesce(rev_ops, '[]'),
            coalesce((SELECT array_agg(version_id ORDER BY version_id) FROM grid WHERE ws_id = ws), '{}'));
    UPDATE workspace SET recorded_version = version WHERE id = ws;
    PERFORM set_config('gridplan.change_set', quiet, true);
    RETURN n;
END $$;

-- Plans that already have grids get their first revision now.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT w.id, w.plan_id FROM workspace w WHERE w.kind = 'published'
               AND EXISTS (SELECT 1 FROM grid g WHERE g.ws_id = w.id) LOOP
        UPDATE plan SET head_revision = gridplan_record(r.id, 'import', 'gridplan', 'grids as they were before revisions',
                                                        '[]', NULL, NULL)
         WHERE id = r.plan_id;
    END LOOP;
END $$;

-- Deleting a plan (demo --replace, plan delete) cascades from its nodes to
-- its edges: without these, each node's delete scanned every edge.
CREATE INDEX net_edge_source_idx ON net_edge (plan_id, source);
CREATE INDEX net_edge_target_idx ON net_edge (plan_id, target);
