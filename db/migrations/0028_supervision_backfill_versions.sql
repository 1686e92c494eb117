-- Rounds existing before purposes held venue reports only, except the 11 sample rounds of 2021-2025, which were
-- supervision rounds (kiểm tra, giám sát): their sample history says so.
UPDATE `rounds` SET `purpose` = 'supervision' WHERE `is_sample` = 1;
--> statement-breakpoint
-- The district summary reads the supervision tables too: their writes move their counters (see 0015).
INSERT INTO `table_versions` (`name`, `version`) VALUES ('supervision_records', 0), ('recommendations', 0);
--> statement-breakpoint
CREATE TRIGGER `supervision_records_version_insert` AFTER INSERT ON `supervision_records`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'supervision_records';
END;
--> statement-breakpoint
CREATE TRIGGER `supervision_records_version_update` AFTER UPDATE ON `supervision_records`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'supervision_records';
END;
--> statement-breakpoint
CREATE TRIGGER `supervision_records_version_delete` AFTER DELETE ON `supervision_records`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'supervision_records';
END;
--> statement-breakpoint
CREATE TRIGGER `recommendations_version_insert` AFTER INSERT ON `recommendations`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'recommendations';
END;
--> statement-breakpoint
CREATE TRIGGER `recommendations_version_update` AFTER UPDATE ON `recommendations`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'recommendations';
END;
--> statement-breakpoint
CREATE TRIGGER `recommendations_version_delete` AFTER DELETE ON `recommendations`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'recommendations';
END;
