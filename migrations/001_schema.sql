-- gridplan's data model. Every table is scoped by plan_id, so plans can be
-- sharded by plan and every query filters on it.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS btree_gist; -- composite (plan_id, geom) GiST indexes

CREATE TABLE plan (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'),
    title          text NOT NULL DEFAULT '',
    srid           integer NOT NULL REFERENCES spatial_ref_sys (srid),
    boundary       geometry(MultiPolygon, 4326),
    sliver_area_m2 double precision NOT NULL DEFAULT 1 CHECK (sliver_area_m2 >= 0),
    sliver_width_m double precision NOT NULL DEFAULT 0.5 CHECK (sliver_width_m >= 0),
    -- version increases with every change to the plan's data (triggers below);
    -- HTTP caches and ETags key on it.
    version        bigint NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan_level (
    plan_id        bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    level          integer NOT NULL CHECK (level >= 1),
    name           text NOT NULL,
    min_persons    integer CHECK (min_persons >= 0),
    max_persons    integer CHECK (max_persons >= 0),
    min_households integer CHECK (min_households >= 0),
    max_households integer CHECK (max_households >= 0),
    PRIMARY KEY (plan_id, level)
);

-- Metric copies of geometries (geom_m, in the plan's CRS) are kept by this
-- trigger so that areas and distances never need an on-the-fly transform.
CREATE FUNCTION gridplan_metric_geom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.geom_m := ST_Transform(NEW.geom, (SELECT srid FROM plan WHERE id = NEW.plan_id));
    RETURN NEW;
END $$;

CREATE TABLE grid (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    code        text NOT NULL CHECK (code <> ''),
    name        text NOT NULL DEFAULT '',
    level       integer NOT NULL CHECK (level >= 1),
    -- The parent is named by code, not by a foreign key: the coverage audit
    -- reports broken hierarchies rather than the database hiding them.
    parent_code text CHECK (parent_code <> ''),
    kind        text NOT NULL DEFAULT 'base' CHECK (kind IN ('base', 'special')),
    category    text NOT NULL DEFAULT '',
    mode        text CHECK (mode IN ('overlay', 'carve_out')),
    properties  jsonb NOT NULL DEFAULT '{}',
    geom        geometry(MultiPolygon, 4326) NOT NULL,
    geom_m      geometry(MultiPolygon) NOT NULL,
    UNIQUE (plan_id, code)
);
CREATE INDEX grid_geom_idx ON grid USING gist (plan_id, geom);
CREATE INDEX grid_geom_m_idx ON grid USING gist (plan_id, geom_m);
CREATE INDEX grid_level_idx ON grid (plan_id, level, code);
CREATE INDEX grid_parent_idx ON grid (plan_id, parent_code);
CREATE TRIGGER grid_metric BEFORE INSERT OR UPDATE OF geom ON grid
    FOR EACH ROW EXECUTE FUNCTION gridplan_metric_geom();

CREATE TABLE unit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    name        text NOT NULL DEFAULT '',
    persons     integer NOT NULL CHECK (persons >= 0),
    households  integer NOT NULL DEFAULT 0 CHECK (households >= 0),
    properties  jsonb NOT NULL DEFAULT '{}',
    geom        geometry(Geometry, 4326) NOT NULL
                CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')),
    geom_m      geometry NOT NULL
);
CREATE INDEX unit_geom_idx ON unit USING gist (plan_id, geom);
CREATE INDEX unit_geom_m_idx ON unit USING gist (plan_id, geom_m);
CREATE TRIGGER unit_metric BEFORE INSERT OR UPDATE OF geom ON unit
    FOR EACH ROW EXECUTE FUNCTION gridplan_metric_geom();

CREATE TABLE facility (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    type        text NOT NULL CHECK (type <> ''),
    name        text NOT NULL DEFAULT '',
    properties  jsonb NOT NULL DEFAULT '{}',
    geom        geometry(Point, 4326) NOT NULL,
    geom_m      geometry(Point) NOT NULL
);
CREATE INDEX facility_geom_idx ON facility USING gist (plan_id, geom);
CREATE INDEX facility_type_idx ON facility (plan_id, type);
CREATE TRIGGER facility_metric BEFORE INSERT OR UPDATE OF geom ON facility
    FOR EACH ROW EXECUTE FUNCTION gridplan_metric_geom();

-- The walking network. Column names follow pgRouting (id, source, target,
-- cost, reverse_cost) so pgr_* functions run on it unchanged; walking is
-- two-way, so reverse_cost equals cost.
CREATE TABLE net_node (
    plan_id bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    id      bigint NOT NULL,
    geom    geometry(Point, 4326) NOT NULL,
    geom_m  geometry(Point) NOT NULL,
    PRIMARY KEY (plan_id, id)
);
CREATE INDEX net_node_geom_m_idx ON net_node USING gist (plan_id, geom_m);
CREATE TRIGGER net_node_metric BEFORE INSERT OR UPDATE OF geom ON net_node
    FOR EACH ROW EXECUTE FUNCTION gridplan_metric_geom();

CREATE TABLE net_edge (
    plan_id      bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    id           bigint NOT NULL,
    source       bigint NOT NULL,
    target       bigint NOT NULL,
    length_m     double precision NOT NULL CHECK (length_m >= 0),
    cost         double precision GENERATED ALWAYS AS (length_m) STORED,
    reverse_cost double precision GENERATED ALWAYS AS (length_m) STORED,
    highway      text NOT NULL DEFAULT '',
    osm_way      bigint,
    geom         geometry(LineString, 4326) NOT NULL,
    geom_m       geometry(LineString) NOT NULL,
    PRIMARY KEY (plan_id, id),
    FOREIGN KEY (plan_id, source) REFERENCES net_node (plan_id, id) ON DELETE CASCADE,
    FOREIGN KEY (plan_id, target) REFERENCES net_node (plan_id, id) ON DELETE CASCADE
);
CREATE INDEX net_edge_geom_m_idx ON net_edge USING gist (plan_id, geom_m);
CREATE TRIGGER net_edge_metric BEFORE INSERT OR UPDATE OF geom ON net_edge
    FOR EACH ROW EXECUTE FUNCTION gridplan_metric_geom();

-- Any change to a plan's data, through gridplan or straight through SQL
-- (QGIS editing the tables, say), bumps the plan's version once per statement.
CREATE FUNCTION gridplan_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE plan SET version = version + 1, updated_at = now()
         WHERE id IN (SELECT DISTINCT plan_id FROM old_rows);
    ELSE
        UPDATE plan SET version = version + 1, updated_at = now()
         WHERE id IN (SELECT DISTINCT plan_id FROM new_rows);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['grid', 'unit', 'facility', 'net_node', 'net_edge'] LOOP
        EXECUTE format('CREATE TRIGGER %1$s_version_ins AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_version()', t);
        EXECUTE format('CREATE TRIGGER %1$s_version_upd AFTER UPDATE ON %1$I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_version()', t);
        EXECUTE format('CREATE TRIGGER %1$s_version_del AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_version()', t);
    END LOOP;
END $$;
