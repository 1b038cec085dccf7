-- Who may change what: accounts, per-plan grants scoped to grid subtrees,
-- bearer tokens, browser sessions, and an append-only log of who changed
-- what.
--
-- Secrets are never stored: a password as its bcrypt hash, a token and a
-- session cookie as the SHA-256 of their random value (they carry 256 bits
-- of entropy, so a fast hash is enough; a password needs the slow one).

CREATE TABLE app_user (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    -- bcrypt; NULL for a token-only account, which cannot log in.
    password_hash text,
    -- Made by `serve --demo` with a published password: a server on a
    -- non-loopback address refuses to start while such an account exists.
    demo          boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- A role on one plan, optionally limited to the subtree of one grid code.
-- Several grants of one user on one plan add up.
CREATE TABLE plan_grant (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    plan_id    bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('viewer', 'planner', 'approver', 'admin')),
    -- '' is the whole plan; else a grid code whose subtree the grant covers.
    scope      text NOT NULL DEFAULT '',
    granted_by text NOT NULL,
    granted_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, plan_id, role, scope)
);
CREATE INDEX plan_grant_plan_idx ON plan_grant (plan_id, user_id);

CREATE TABLE api_token (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    label        text NOT NULL DEFAULT '',
    secret_hash  bytea NOT NULL UNIQUE,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

CREATE TABLE web_session (
    secret_hash bytea PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX web_session_expiry_idx ON web_session (expires_at);

-- The log names plans by id and name without a foreign key: it outlives
-- the plans, users and tokens it speaks of.
CREATE TABLE access_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    plan_id   bigint,
    plan_name text,
    actor     text NOT NULL,
    -- how the actor came (token, session, cli); NULL where the database
    -- recorded the event itself (revisions).
    via       text,
    event     text NOT NULL,
    subject   text NOT NULL DEFAULT '',
    detail    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX access_log_plan_idx ON access_log (plan_id, id);

CREATE FUNCTION gridplan_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_log is append-only';
END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION gridplan_log_append_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION gridplan_log_append_only();

-- Every revision (edit, import, publish, revert, rebase, changes recorded
-- from outside) enters the log in the transaction that records it, so the
-- log cannot miss one.
CREATE FUNCTION gridplan_log_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO access_log (plan_id, plan_name, actor, event, subject, detail)
    SELECT NEW.plan_id, p.name, NEW.author, NEW.kind, 'revision ' || NEW.number,
           jsonb_build_object('revision', NEW.number, 'message', NEW.message,
                              'draft', (SELECT d.name FROM draft d WHERE d.id = NEW.draft_id))
      FROM plan p WHERE p.id = NEW.plan_id;
    RETURN NULL;
END $$;
CREATE TRIGGER revision_log AFTER INSERT ON revision FOR EACH ROW EXECUTE FUNCTION gridplan_log_revision();

-- A new draft enters the log too: who branched what from which revision.
CREATE FUNCTION gridplan_log_draft() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO access_log (plan_id, plan_name, actor, event, subject, detail)
    SELECT NEW.plan_id, p.name, NEW.author, 'draft_create', 'draft ' || NEW.name,
           jsonb_build_object('from_revision', NEW.base_revision, 'message', NEW.message)
      FROM plan p WHERE p.id = NEW.plan_id;
    RETURN NULL;
END $$;
CREATE TRIGGER draft_log AFTER INSERT ON draft FOR EACH ROW EXECUTE FUNCTION gridplan_log_draft();
