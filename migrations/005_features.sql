-- What the OGC API - Features and the vector tiles need.

-- Keyset paging walks each layer in id order within its plan (and level).
CREATE INDEX grid_page_idx ON grid (plan_id, level, id);
CREATE INDEX unit_page_idx ON unit (plan_id, id);
CREATE INDEX facility_page_idx ON facility (plan_id, id);
CREATE INDEX finding_page_idx ON finding (plan_id, id);

-- Audits write findings and per-grid statistics, which the feature and tile
-- responses show. They are derived data, so they do not bump plan.version
-- (audit caches key on it and would invalidate themselves); they bump
-- audit_version instead, and response ETags and caches key on both.
ALTER TABLE plan ADD COLUMN audit_version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION gridplan_bump_audit_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE plan SET audit_version = audit_version + 1 WHERE id IN (SELECT DISTINCT plan_id FROM old_rows);
    ELSE
        UPDATE plan SET audit_version = audit_version + 1 WHERE id IN (SELECT DISTINCT plan_id FROM new_rows);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['finding', 'grid_stats'] LOOP
        EXECUTE format('CREATE TRIGGER %1$s_audit_version_ins AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_audit_version()', t);
        EXECUTE format('CREATE TRIGGER %1$s_audit_version_upd AFTER UPDATE ON %1$I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_audit_version()', t);
        EXECUTE format('CREATE TRIGGER %1$s_audit_version_del AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION gridplan_bump_audit_version()', t);
    END LOOP;
END $$;
