-- The district summary reads the models, monitoring and roster tables too: their writes move their counters (see 0015).
INSERT INTO `table_versions` (`name`, `version`) VALUES ('prevention_models', 0), ('prevention_model_members', 0), ('monitoring_records', 0), ('monitoring_counts', 0), ('propagandists', 0), ('propagandist_trainings', 0);
--> statement-breakpoint
CREATE TRIGGER `prevention_models_version_insert` AFTER INSERT ON `prevention_models`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'prevention_models';
END;
--> statement-breakpoint
CREATE TRIGGER `prevention_models_version_update` AFTER UPDATE ON `prevention_models`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'prevention_models';
END;
--> statement-breakpoint
CREATE TRIGGER `prevention_models_version_delete` AFTER DELETE ON `prevention_models`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'prevention_models';
END;
--> statement-breakpoint
CREATE TRIGGER `prevention_model_members_version_insert` AFTER INSERT ON `prevention_model_members`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'prevention_model_members';
END;
--> statement-breakpoint
CREATE TRIGGER `prevention_model_members_version_update` AFTER UPDATE ON `prevention_model_members`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'prevention_model_members';
END;
--> statement-breakpoint
CREATE TRIGGER `prevention_model_members_version_delete` AFTER DELETE ON `prevention_model_members`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'prevention_model_members';
END;
--> statement-breakpoint
CREATE TRIGGER `monitoring_records_version_insert` AFTER INSERT ON `monitoring_records`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'monitoring_records';
END;
--> statement-breakpoint
CREATE TRIGGER `monitoring_records_version_update` AFTER UPDATE ON `monitoring_records`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'monitoring_records';
END;
--> statement-breakpoint
CREATE TRIGGER `monitoring_records_version_delete` AFTER DELETE ON `monitoring_records`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'monitoring_records';
END;
--> statement-breakpoint
CREATE TRIGGER `monitoring_counts_version_insert` AFTER INSERT ON `monitoring_counts`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'monitoring_counts';
END;
--> statement-breakpoint
CREATE TRIGGER `monitoring_counts_version_update` AFTER UPDATE ON `monitoring_counts`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'monitoring_counts';
END;
--> statement-breakpoint
CREATE TRIGGER `monitoring_counts_version_delete` AFTER DELETE ON `monitoring_counts`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'monitoring_counts';
END;
--> statement-breakpoint
CREATE TRIGGER `propagandists_version_insert` AFTER INSERT ON `propagandists`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'propagandists';
END;
--> statement-breakpoint
CREATE TRIGGER `propagandists_version_update` AFTER UPDATE ON `propagandists`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'propagandists';
END;
--> statement-breakpoint
CREATE TRIGGER `propagandists_version_delete` AFTER DELETE ON `propagandists`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'propagandists';
END;
--> statement-breakpoint
CREATE TRIGGER `propagandist_trainings_version_insert` AFTER INSERT ON `propagandist_trainings`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'propagandist_trainings';
END;
--> statement-breakpoint
CREATE TRIGGER `propagandist_trainings_version_update` AFTER UPDATE ON `propagandist_trainings`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'propagandist_trainings';
END;
--> statement-breakpoint
CREATE TRIGGER `propagandist_trainings_version_delete` AFTER DELETE ON `propagandist_trainings`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'propagandist_trainings';
END;
