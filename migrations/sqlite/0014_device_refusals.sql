-- The last message a device's credential sent that was refused because it
-- named another device (`device_mac`): when, and the address it named. The device
-- registry shows it so a mis-flashed device is noticed.
ALTER TABLE devices ADD COLUMN last_refusal_at BIGINT;
ALTER TABLE devices ADD COLUMN last_refusal TEXT;
