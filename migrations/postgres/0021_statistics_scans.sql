-- Statistics over long periods: read in index order, so a year is counted
-- without sorting it. Appointments by UTC hour (the reader's hours are the
-- UTC hours shifted wherever the zone's offset is whole hours); by doctor,
-- status and kind (the places held per doctor); outside messages by channel
-- and status. The index by time of writing is replaced by the last one.
CREATE INDEX appointments_hour_idx ON appointments ((starts_at / 3600000), status, consultation_type, doctor_id);
CREATE INDEX appointments_doctor_status_idx ON appointments (doctor_id, status, consultation_type, starts_at);
DROP INDEX outbound_messages_created_idx;
CREATE INDEX outbound_messages_channel_idx ON outbound_messages (channel, status, created_at);
