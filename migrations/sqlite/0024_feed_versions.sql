-- A version per person of what their private calendar feed is computed
-- from: their appointments (either side), the names of the people on the
-- other side and their own, and the zones of their doctors. Triggers bump it
-- in the transaction of any such change, so a process keeps a rendered feed
-- for as long as the version it read stays the same (and the day).
CREATE TABLE feed_versions (
    user_id  BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    version  BIGINT NOT NULL
);

CREATE TRIGGER appointments_insert_feed AFTER INSERT ON appointments BEGIN
    INSERT INTO feed_versions (user_id, version) VALUES (NEW.patient_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
    INSERT INTO feed_versions (user_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER appointments_update_feed AFTER UPDATE ON appointments BEGIN
    INSERT INTO feed_versions (user_id, version) VALUES (NEW.patient_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
    INSERT INTO feed_versions (user_id, version) VALUES (NEW.doctor_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER appointments_moved_feed AFTER UPDATE OF patient_id, doctor_id ON appointments
    WHEN OLD.patient_id <> NEW.patient_id OR OLD.doctor_id <> NEW.doctor_id BEGIN
    INSERT INTO feed_versions (user_id, version) VALUES (OLD.patient_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
    INSERT INTO feed_versions (user_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER appointments_delete_feed AFTER DELETE ON appointments BEGIN
    INSERT INTO feed_versions (user_id, version) VALUES (OLD.patient_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
    INSERT INTO feed_versions (user_id, version) VALUES (OLD.doctor_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;

-- A name is shown in one's own feed and in the feeds of everyone on the other side.
CREATE TRIGGER users_named_feed AFTER UPDATE OF first_name, last_name ON users BEGIN
    INSERT INTO feed_versions (user_id, version) VALUES (NEW.id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
    INSERT INTO feed_versions (user_id, version) SELECT DISTINCT patient_id, 1 FROM appointments WHERE doctor_id = NEW.id
        UNION SELECT DISTINCT doctor_id, 1 FROM appointments WHERE patient_id = NEW.id
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;

-- A doctor's zone is the zone of their appointments in every feed.
CREATE TRIGGER doctor_profiles_zone_feed AFTER UPDATE OF timezone ON doctor_profiles BEGIN
    INSERT INTO feed_versions (user_id, version) VALUES (NEW.user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
    INSERT INTO feed_versions (user_id, version) SELECT DISTINCT patient_id, 1 FROM appointments WHERE doctor_id = NEW.user_id
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER doctor_profiles_insert_feed AFTER INSERT ON doctor_profiles BEGIN
    INSERT INTO feed_versions (user_id, version) VALUES (NEW.user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
    INSERT INTO feed_versions (user_id, version) SELECT DISTINCT patient_id, 1 FROM appointments WHERE doctor_id = NEW.user_id
        ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
