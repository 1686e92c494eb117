-- The district summary reads the victim-support tables too: their writes move their counters (see 0015).
INSERT INTO `table_versions` (`name`, `version`) VALUES ('victim_support_records', 0), ('victim_support_counts', 0);
--> statement-breakpoint
CREATE TRIGGER `victim_support_records_version_insert` AFTER INSERT ON `victim_support_records`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'victim_support_records';
END;
--> statement-breakpoint
CREATE TRIGGER `victim_support_records_version_update` AFTER UPDATE ON `victim_support_records`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'victim_support_records';
END;
--> statement-breakpoint
CREATE TRIGGER `victim_support_records_version_delete` AFTER DELETE ON `victim_support_records`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'victim_support_records';
END;
--> statement-breakpoint
CREATE TRIGGER `victim_support_counts_version_insert` AFTER INSERT ON `victim_support_counts`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'victim_support_counts';
END;
--> statement-breakpoint
CREATE TRIGGER `victim_support_counts_version_update` AFTER UPDATE ON `victim_support_counts`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'victim_support_counts';
END;
--> statement-breakpoint
CREATE TRIGGER `victim_support_counts_version_delete` AFTER DELETE ON `victim_support_counts`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'victim_support_counts';
END;
