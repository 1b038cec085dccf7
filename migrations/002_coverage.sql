-- Findings of a plan's latest audit, per check: what the findings collection
-- of the OGC API and `gridplan export --what findings` serve. Each audit run
-- replaces its check's rows in one transaction.
CREATE TABLE finding (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    check_name  text NOT NULL CHECK (check_name IN ('coverage', 'balance', 'circles')),
    kind        text NOT NULL,
    severity    text NOT NULL CHECK (severity IN ('error', 'warning')),
    level       integer,
    parent_code text,
    grids       text[] NOT NULL DEFAULT '{}',
    area_m2     double precision,
    width_m     double precision,
    reason      text NOT NULL DEFAULT '',
    geom        geometry(Geometry, 4326),
    audited_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX finding_plan_idx ON finding (plan_id, check_name, id);
CREATE INDEX finding_geom_idx ON finding USING gist (plan_id, geom);
