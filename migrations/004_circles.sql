-- Service-circle rules (服务圈 / 生活圈): per plan, the facility type that
-- residents should reach within so many minutes' walk, at what speed, and
-- the share of residents the plan aims to cover. The circles audit reads
-- them; `gridplan rule add|list|remove` and the API edit them.
CREATE TABLE circle_rule (
    plan_id         bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    facility_type   text NOT NULL CHECK (facility_type <> ''),
    minutes         integer NOT NULL CHECK (minutes BETWEEN 1 AND 240),
    speed_m_per_min double precision NOT NULL DEFAULT 80 CHECK (speed_m_per_min > 0 AND speed_m_per_min <= 1000),
    target_pct      double precision NOT NULL DEFAULT 85 CHECK (target_pct BETWEEN 0 AND 100),
    -- Further facility types that also satisfy the rule: the 10-minute
    -- government-service circle is met by any of the "1 + 17 + 174"
    -- district, street and community centres.
    also_types      text[] NOT NULL DEFAULT '{}',
    note            text NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, facility_type, minutes)
);

-- The defaults every plan starts with, from GB 50180-2018's life circles.
-- Speeds are chosen so that minutes × speed is the standard's walking
-- distance (15 min ≈ 800–1,000 m → 900 m, 10 min ≈ 500 m, 5 min ≈ 300 m);
-- facilities of a higher circle do not satisfy a lower one, so each type
-- has the circle the standard puts it in.
CREATE FUNCTION gridplan_default_circle_rules(p bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO circle_rule (plan_id, facility_type, minutes, speed_m_per_min, target_pct, also_types, note)
    VALUES
        (p, 'community_service_centre', 10, 50, 85, '{street_service_centre,district_service_centre}',
            '10-minute government-service circle: any of the 1 + 17 + 174 party-mass service centres'),
        (p, 'street_service_centre', 15, 60, 85, '{district_service_centre}', 'GB 50180-2018 15-minute circle'),
        (p, 'middle_school', 15, 60, 85, '{}', 'GB 50180-2018 15-minute circle'),
        (p, 'primary_school', 10, 50, 85, '{}', 'GB 50180-2018 10-minute circle'),
        (p, 'market', 10, 50, 85, '{}', 'GB 50180-2018 10-minute circle'),
        (p, 'kindergarten', 5, 60, 85, '{}', 'GB 50180-2018 5-minute circle'),
        (p, 'elderly_day_care', 5, 60, 85, '{}', 'GB 50180-2018 5-minute circle'),
        (p, 'clinic', 5, 60, 85, '{}', 'GB 50180-2018 5-minute circle (community health station)')
    ON CONFLICT DO NOTHING
$$;

CREATE FUNCTION gridplan_plan_circle_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gridplan_default_circle_rules(NEW.id);
    RETURN NULL;
END $$;

CREATE TRIGGER plan_circle_rules AFTER INSERT ON plan
    FOR EACH ROW EXECUTE FUNCTION gridplan_plan_circle_rules();

SELECT gridplan_default_circle_rules(id) FROM plan;
