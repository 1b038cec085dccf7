-- A draft can be given up: its grids go, the draft stays listed as
-- discarded (its revisions and the codes it used stay too: codes are never
-- reused), and the log says who discarded it.
ALTER TABLE draft DROP CONSTRAINT draft_state_check;
ALTER TABLE draft ADD CONSTRAINT draft_state_check CHECK (state IN ('open', 'published', 'discarded'));
ALTER TABLE draft ADD COLUMN discarded_by text, ADD COLUMN discarded_at timestamptz;

CREATE FUNCTION gridplan_log_draft_discard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO access_log (plan_id, plan_name, actor, event, subject, detail)
    SELECT NEW.plan_id, p.name, NEW.discarded_by, 'draft_discard', 'draft ' || NEW.name,
           jsonb_build_object('head_revision', NEW.head_revision)
      FROM plan p WHERE p.id = NEW.plan_id;
    RETURN NULL;
END $$;
CREATE TRIGGER draft_discard_log AFTER UPDATE OF state ON draft FOR EACH ROW
    WHEN (NEW.state = 'discarded' AND OLD.state IS DISTINCT FROM 'discarded')
    EXECUTE FUNCTION gridplan_log_draft_discard();
