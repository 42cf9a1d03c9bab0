-- The emergency signs the platform's red-flag detector read in a patient's
-- chat message (category codes joined by commas; NULL for none): the
-- patient is shown the emergency numbers at once, and the message is
-- marked for the doctor.
ALTER TABLE chat_messages ADD COLUMN red_flags TEXT;
