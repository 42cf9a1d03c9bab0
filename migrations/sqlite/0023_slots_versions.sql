-- A second version per doctor, of what their slots are unrolled from only:
-- weekly ranges, time off, one-off slots and the profile (zone, rules). It
-- does not move when a place is taken or an appointment changes, so a
-- process keeps a doctor's unrolled slots across bookings and merges the
-- places taken (keyed by `version`) into them.
ALTER TABLE schedule_versions ADD COLUMN slots_version BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER availabilities_insert_slots_version AFTER INSERT ON availabilities BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (NEW.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER availabilities_update_slots_version AFTER UPDATE ON availabilities BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (NEW.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER availabilities_delete_slots_version AFTER DELETE ON availabilities BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (OLD.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER availabilities_moved_slots_version AFTER UPDATE OF doctor_id ON availabilities WHEN OLD.doctor_id <> NEW.doctor_id BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (OLD.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER availability_exceptions_insert_slots_version AFTER INSERT ON availability_exceptions BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (NEW.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER availability_exceptions_update_slots_version AFTER UPDATE ON availability_exceptions BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (NEW.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER availability_exceptions_delete_slots_version AFTER DELETE ON availability_exceptions BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (OLD.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER availability_exceptions_moved_slots_version AFTER UPDATE OF doctor_id ON availability_exceptions WHEN OLD.doctor_id <> NEW.doctor_id BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (OLD.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER slot_openings_insert_slots_version AFTER INSERT ON slot_openings BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (NEW.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER slot_openings_update_slots_version AFTER UPDATE ON slot_openings BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (NEW.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER slot_openings_delete_slots_version AFTER DELETE ON slot_openings BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (OLD.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER slot_openings_moved_slots_version AFTER UPDATE OF doctor_id ON slot_openings WHEN OLD.doctor_id <> NEW.doctor_id BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (OLD.doctor_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER doctor_profiles_insert_slots_version AFTER INSERT ON doctor_profiles BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (NEW.user_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER doctor_profiles_update_slots_version AFTER UPDATE ON doctor_profiles BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (NEW.user_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER doctor_profiles_delete_slots_version AFTER DELETE ON doctor_profiles BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (OLD.user_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;

CREATE TRIGGER doctor_profiles_moved_slots_version AFTER UPDATE OF user_id ON doctor_profiles WHEN OLD.user_id <> NEW.user_id BEGIN
    INSERT INTO schedule_versions (doctor_id, version, slots_version) VALUES (OLD.user_id, 1, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET slots_version = slots_version + 1;
END;
