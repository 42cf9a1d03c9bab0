-- A version per doctor of everything their free slots and availability
-- calendar are computed from: weekly ranges, time off, one-off slots, places
-- taken, appointments, the profile (zone, rules) and their name. Triggers bump
-- it in the transaction that changes any of these, so a process can keep what
-- it computed from them for as long as the version it read stays the same.
CREATE TABLE schedule_versions (
    doctor_id  BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    version    BIGINT NOT NULL
);

CREATE TRIGGER availabilities_insert_version AFTER INSERT ON availabilities BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER availabilities_update_version AFTER UPDATE ON availabilities BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER availabilities_delete_version AFTER DELETE ON availabilities BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER availabilities_moved_version AFTER UPDATE OF doctor_id ON availabilities WHEN OLD.doctor_id <> NEW.doctor_id BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER availability_exceptions_insert_version AFTER INSERT ON availability_exceptions BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER availability_exceptions_update_version AFTER UPDATE ON availability_exceptions BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER availability_exceptions_delete_version AFTER DELETE ON availability_exceptions BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER availability_exceptions_moved_version AFTER UPDATE OF doctor_id ON availability_exceptions WHEN OLD.doctor_id <> NEW.doctor_id BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER slot_openings_insert_version AFTER INSERT ON slot_openings BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER slot_openings_update_version AFTER UPDATE ON slot_openings BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER slot_openings_delete_version AFTER DELETE ON slot_openings BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER slot_openings_moved_version AFTER UPDATE OF doctor_id ON slot_openings WHEN OLD.doctor_id <> NEW.doctor_id BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER slot_places_insert_version AFTER INSERT ON slot_places BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER slot_places_update_version AFTER UPDATE ON slot_places BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER slot_places_delete_version AFTER DELETE ON slot_places BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER slot_places_moved_version AFTER UPDATE OF doctor_id ON slot_places WHEN OLD.doctor_id <> NEW.doctor_id BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER appointments_insert_version AFTER INSERT ON appointments BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER appointments_update_version AFTER UPDATE ON appointments BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER appointments_delete_version AFTER DELETE ON appointments BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER appointments_moved_version AFTER UPDATE OF doctor_id ON appointments WHEN OLD.doctor_id <> NEW.doctor_id BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER doctor_profiles_insert_version AFTER INSERT ON doctor_profiles BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.user_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER doctor_profiles_update_version AFTER UPDATE ON doctor_profiles BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.user_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER doctor_profiles_delete_version AFTER DELETE ON doctor_profiles BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.user_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER doctor_profiles_moved_version AFTER UPDATE OF user_id ON doctor_profiles WHEN OLD.user_id <> NEW.user_id BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (OLD.user_id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER users_named_version AFTER UPDATE OF first_name, last_name, username ON users
    WHEN NEW.role = 'doctor' BEGIN
    INSERT INTO schedule_versions (doctor_id, version) VALUES (NEW.id, 1)
        ON CONFLICT (doctor_id) DO UPDATE SET version = version + 1;
END;
