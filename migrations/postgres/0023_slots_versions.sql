-- A second version per doctor, of what their slots are unrolled from only:
-- weekly ranges, time off, one-off slots and the profile (zone, rules). It
-- does not move when a place is taken or an appointment changes, so a
-- process keeps a doctor's unrolled slots across bookings and merges the
-- places taken (keyed by `version`) into them.
ALTER TABLE schedule_versions ADD COLUMN slots_version BIGINT NOT NULL DEFAULT 0;

-- TG_ARGV[0]: the column naming the doctor.
CREATE FUNCTION bump_slots_version() RETURNS trigger AS $$
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
    INSERT INTO schedule_versions (doctor_id, version, slots_version)
        SELECT DISTINCT d, 1, 1 FROM unnest(ARRAY[old_doctor, new_doctor]) AS d
        WHERE d IS NOT NULL
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = schedule_versions.slots_version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER availabilities_slots_version AFTER INSERT OR UPDATE OR DELETE ON availabilities
    FOR EACH ROW EXECUTE FUNCTION bump_slots_version('doctor_id');

CREATE TRIGGER availability_exceptions_slots_version AFTER INSERT OR UPDATE OR DELETE ON availability_exceptions
    FOR EACH ROW EXECUTE FUNCTION bump_slots_version('doctor_id');

CREATE TRIGGER slot_openings_slots_version AFTER INSERT OR UPDATE OR DELETE ON slot_openings
    FOR EACH ROW EXECUTE FUNCTION bump_slots_version('doctor_id');

CREATE TRIGGER doctor_profiles_slots_version AFTER INSERT OR UPDATE OR DELETE ON doctor_profiles
    FOR EACH ROW EXECUTE FUNCTION bump_slots_version('user_id');
