-- A version per person of what their private calendar feed is computed
-- from: their appointments (either side), the names of the people on the
-- other side and their own, and the zones of their doctors. Triggers bump it
-- in the transaction of any such change, so a process keeps a rendered feed
-- for as long as the version it read stays the same (and the day).
CREATE TABLE feed_versions (
    user_id  BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    version  BIGINT NOT NULL
);

CREATE FUNCTION bump_feed_version(who BIGINT) RETURNS void AS $$
    INSERT INTO feed_versions (user_id, version) VALUES (who, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = feed_versions.version + 1;
$$ LANGUAGE sql;

CREATE FUNCTION bump_feed_versions_of_appointment() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM bump_feed_version(NEW.patient_id);
        PERFORM bump_feed_version(NEW.doctor_id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.patient_id <> NEW.patient_id OR OLD.doctor_id <> NEW.doctor_id)) THEN
        PERFORM bump_feed_version(OLD.patient_id);
        PERFORM bump_feed_version(OLD.doctor_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER appointments_feed AFTER INSERT OR UPDATE OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION bump_feed_versions_of_appointment();

-- A name is shown in one's own feed and in the feeds of everyone on the other
-- side; a doctor's zone is the zone of their appointments in every feed.
-- TG_ARGV[0]: the column naming the person.
CREATE FUNCTION bump_feed_versions_around() RETURNS trigger AS $$
DECLARE
    who BIGINT := (to_jsonb(NEW) ->> TG_ARGV[0])::BIGINT;
BEGIN
    PERFORM bump_feed_version(who);
    INSERT INTO feed_versions (user_id, version)
        SELECT DISTINCT patient_id, 1 FROM appointments WHERE doctor_id = who
        UNION SELECT DISTINCT doctor_id, 1 FROM appointments WHERE patient_id = who
        ON CONFLICT (user_id) DO UPDATE SET version = feed_versions.version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER users_named_feed AFTER UPDATE OF first_name, last_name ON users
    FOR EACH ROW EXECUTE FUNCTION bump_feed_versions_around('id');

CREATE TRIGGER doctor_profiles_zone_feed AFTER INSERT OR UPDATE OF timezone ON doctor_profiles
    FOR EACH ROW EXECUTE FUNCTION bump_feed_versions_around('user_id');
