-- A version per doctor of everything their free slots and availability
-- calendar are computed from: weekly ranges, time off, one-off slots, places
-- taken, appointments, the profile (zone, rules) and their name. Triggers bump
-- it in the transaction that changes any of these, so a process can keep what
-- it computed from them for as long as the version it read stays the same.
CREATE TABLE schedule_versions (
    doctor_id  BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    version    BIGINT NOT NULL
);

-- TG_ARGV[0]: the column naming the doctor.
CREATE FUNCTION bump_schedule_version() RETURNS trigger AS $$
DECLARE
    old_doctor BIGINT;
    new_doctor BIGINT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_doctor := (to_jsonb(OLD) ->> TG_ARGV[0])::BIGINT;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_doctor := (to_jsonb(NEW) ->> TG_ARGV[0])::BIGINT;
    END IF;
    INSERT INTO schedule_versions (doctor_id, version)
        SELECT DISTINCT d, 1 FROM unnest(ARRAY[old_doctor, new_doctor]) AS d
        WHERE d IS NOT NULL
        ON CONFLICT (doctor_id) DO UPDATE SET version = schedule_versions.version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER availabilities_version AFTER INSERT OR UPDATE OR DELETE ON availabilities
    FOR EACH ROW EXECUTE FUNCTION bump_schedule_version('doctor_id');

CREATE TRIGGER availability_exceptions_version AFTER INSERT OR UPDATE OR DELETE ON availability_exceptions
    FOR EACH ROW EXECUTE FUNCTION bump_schedule_version('doctor_id');

CREATE TRIGGER slot_openings_version AFTER INSERT OR UPDATE OR DELETE ON slot_openings
    FOR EACH ROW EXECUTE FUNCTION bump_schedule_version('doctor_id');

CREATE TRIGGER slot_places_version AFTER INSERT OR UPDATE OR DELETE ON slot_places
    FOR EACH ROW EXECUTE FUNCTION bump_schedule_version('doctor_id');

CREATE TRIGGER appointments_version AFTER INSERT OR UPDATE OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION bump_schedule_version('doctor_id');

CREATE TRIGGER doctor_profiles_version AFTER INSERT OR UPDATE OR DELETE ON doctor_profiles
    FOR EACH ROW EXECUTE FUNCTION bump_schedule_version('user_id');

CREATE TRIGGER users_named_version AFTER UPDATE OF first_name, last_name, username ON users
    FOR EACH ROW WHEN (NEW.role = 'doctor') EXECUTE FUNCTION bump_schedule_version('id');
