-- Write counters for the tables the district summary reads: any connection's insert, update or delete
-- moves its table's counter, so a remembered summary is dropped exactly when its inputs change (and not
-- when a session, an audit entry or another unrelated table is written).
INSERT INTO `table_versions` (`name`, `version`) VALUES ('rounds', 0), ('round_areas', 0), ('checks', 0), ('findings', 0), ('follow_ups', 0), ('outreach_activities', 0), ('checklist_templates', 0);
--> statement-breakpoint
CREATE TRIGGER `rounds_version_insert` AFTER INSERT ON `rounds`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'rounds';
END;
--> statement-breakpoint
CREATE TRIGGER `rounds_version_update` AFTER UPDATE ON `rounds`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'rounds';
END;
--> statement-breakpoint
CREATE TRIGGER `rounds_version_delete` AFTER DELETE ON `rounds`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'rounds';
END;
--> statement-breakpoint
CREATE TRIGGER `round_areas_version_insert` AFTER INSERT ON `round_areas`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'round_areas';
END;
--> statement-breakpoint
CREATE TRIGGER `round_areas_version_update` AFTER UPDATE ON `round_areas`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'round_areas';
END;
--> statement-breakpoint
CREATE TRIGGER `round_areas_version_delete` AFTER DELETE ON `round_areas`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'round_areas';
END;
--> statement-breakpoint
CREATE TRIGGER `checks_version_insert` AFTER INSERT ON `checks`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'checks';
END;
--> statement-breakpoint
CREATE TRIGGER `checks_version_update` AFTER UPDATE ON `checks`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'checks';
END;
--> statement-breakpoint
CREATE TRIGGER `checks_version_delete` AFTER DELETE ON `checks`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'checks';
END;
--> statement-breakpoint
CREATE TRIGGER `findings_version_insert` AFTER INSERT ON `findings`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'findings';
END;
--> statement-breakpoint
CREATE TRIGGER `findings_version_update` AFTER UPDATE ON `findings`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'findings';
END;
--> statement-breakpoint
CREATE TRIGGER `findings_version_delete` AFTER DELETE ON `findings`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'findings';
END;
--> statement-breakpoint
CREATE TRIGGER `follow_ups_version_insert` AFTER INSERT ON `follow_ups`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'follow_ups';
END;
--> statement-breakpoint
CREATE TRIGGER `follow_ups_version_update` AFTER UPDATE ON `follow_ups`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'follow_ups';
END;
--> statement-breakpoint
CREATE TRIGGER `follow_ups_version_delete` AFTER DELETE ON `follow_ups`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'follow_ups';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_activities_version_insert` AFTER INSERT ON `outreach_activities`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_activities';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_activities_version_update` AFTER UPDATE ON `outreach_activities`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_activities';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_activities_version_delete` AFTER DELETE ON `outreach_activities`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_activities';
END;
--> statement-breakpoint
CREATE TRIGGER `checklist_templates_version_insert` AFTER INSERT ON `checklist_templates`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'checklist_templates';
END;
--> statement-breakpoint
CREATE TRIGGER `checklist_templates_version_update` AFTER UPDATE ON `checklist_templates`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'checklist_templates';
END;
--> statement-breakpoint
CREATE TRIGGER `checklist_templates_version_delete` AFTER DELETE ON `checklist_templates`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'checklist_templates';
END;
