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

-- Coverage settings beyond the plan's sliver tolerances. noise_m is the
-- floating-point noise the coverage audit forgives: gaps and overlaps
-- narrower than this between boundaries that are meant to be shared (a
-- vertex on one side only, coordinates rounded to 7 decimals) are no
-- finding at all. A plan without a row uses the default.
CREATE TABLE coverage_settings (
    plan_id bigint PRIMARY KEY REFERENCES plan (id) ON DELETE CASCADE,
    noise_m double precision NOT NULL DEFAULT 0.02 CHECK (noise_m >= 0 AND noise_m < 10)
);

-- Allowed gaps: ground a plan leaves to no grid on purpose (rivers, rail
-- corridors, large parks). Gap ground inside the mask is not a finding.
CREATE TABLE coverage_mask (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    name    text NOT NULL DEFAULT '',
    geom    geometry(MultiPolygon, 4326) NOT NULL,
    geom_m  geometry(MultiPolygon) NOT NULL
);
CREATE INDEX coverage_mask_geom_m_idx ON coverage_mask USING gist (plan_id, geom_m);
CREATE TRIGGER coverage_mask_metric BEFORE INSERT OR UPDATE OF geom ON coverage_mask
    FOR EACH ROW EXECUTE FUNCTION gridplan_metric_geom();

-- Settings and masks change audit results, so they bump the plan's version
-- like any other data (caches key on it).
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['coverage_settings', 'coverage_mask'] LOOP
        EXECUTE format('CREATE TRIGGER %1$s_version_ins AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_version()', t);
        EXECUTE format('CREATE TRIGGER %1$s_version_upd AFTER UPDATE ON %1$I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_version()', t);
        EXECUTE format('CREATE TRIGGER %1$s_version_del AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_version()', t);
    END LOOP;
END $$;

-- gridplan_coverage_window computes, exactly, the coverage defects of one
-- small window round a place where the coverage audit found unmatched
-- edges: parent ground no tile covers (less the allowed-gap mask), tile
-- ground outside the parent, and ground two tiles share. tiles is a
-- collection with one member per tile; i and j number them from 1, and
-- grids lists the tiles within noise of a gap. mask is a collection of the
-- allowed-gap polygons near the window (they may overlap one another). A parent of NULL checks
-- overlaps only; spill_only checks spill only. An overlay failure (GEOS
-- refusing some input) comes back as one row of kind 'error' with the
-- message, so one bad place never fails the whole audit.
CREATE FUNCTION gridplan_coverage_window(win geometry, parent geometry, tiles geometry, mask geometry,
                                         noise double precision, spill_only boolean)
RETURNS TABLE (kind text, i integer, j integer, geom geometry, grids integer[], message text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    n integer := coalesce(ST_NumGeometries(tiles), 0);
    t geometry[];
    c geometry[];
    ground geometry;
    x integer;
    y integer;
BEGIN
    t := ARRAY(SELECT ST_GeometryN(tiles, k) FROM generate_series(1, n) k ORDER BY k);
    c := ARRAY(SELECT ST_Intersection(g, win) FROM unnest(t) WITH ORDINALITY AS u(g, k) ORDER BY k);
    IF parent IS NOT NULL AND NOT spill_only THEN
        ground := ST_Intersection(parent, win);
        IF n > 0 THEN
            ground := ST_Difference(ground, ST_Union(c));
        END IF;
        IF mask IS NOT NULL THEN
            ground := ST_Difference(ground, ST_UnaryUnion(mask));
        END IF;
        IF noise > 0 THEN
            -- An opening (shrink, then grow back with square corners)
            -- drops the hairlines that boundaries shared up to noise leave
            -- hanging off a real gap, so the gap names only its true
            -- neighbours; its area moves by a few noise² at most.
            ground := ST_Buffer(ST_Buffer(ground, -noise / 4, 'join=mitre'), noise / 4, 'join=mitre');
        END IF;
        RETURN QUERY
            SELECT 'gap'::text, NULL::integer, NULL::integer, d.geom,
                   ARRAY(SELECT k FROM generate_series(1, n) k WHERE ST_DWithin(d.geom, t[k], noise) ORDER BY k), NULL::text
              FROM ST_Dump(ST_CollectionExtract(ground, 3)) d;
    END IF;
    IF parent IS NOT NULL THEN
        FOR x IN 1 .. n LOOP
            RETURN QUERY
                SELECT 'outside_parent'::text, x, NULL::integer, d.geom, ARRAY[x], NULL::text
                  FROM ST_Dump(ST_CollectionExtract(ST_Difference(c[x], parent), 3)) d;
        END LOOP;
    END IF;
    IF NOT spill_only THEN
        FOR x IN 1 .. n LOOP
            FOR y IN x + 1 .. n LOOP
                IF ST_Intersects(c[x], t[y]) THEN
                    RETURN QUERY
                        SELECT 'overlap'::text, x, y, d.geom, ARRAY[x, y], NULL::text
                          FROM ST_Dump(ST_CollectionExtract(ST_Intersection(c[x], t[y]), 3)) d;
                END IF;
            END LOOP;
        END LOOP;
    END IF;
EXCEPTION WHEN OTHERS THEN
    RETURN QUERY SELECT 'error'::text, NULL::integer, NULL::integer, win, ARRAY[]::integer[], SQLERRM;
END $$;
