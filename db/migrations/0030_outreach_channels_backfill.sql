-- Outreach channels get measures of their own. Each existing activity's single format and channel become its
-- channel entries in outreach_measures:
-- - its format, as an in-person channel with 1 session (signing commitments: commitments = its participants,
--   and no session), unless it was a media channel saved with 0 participants (a Zalo post, a loudspeaker
--   broadcast): that was never a session, and becomes media output only;
-- - its media channel with its output: 1 post, broadcast, issue or item; loudspeaker and radio minutes from the
--   broadcast minutes; leaflets and posters as copies and displays (also when recorded beside another channel).
-- Every activity whose sessions change is written to outreach_reclassifications with the reason.
INSERT INTO `outreach_measures` (`activity_id`, `channel`, `measure`, `value`)
SELECT `id`, `format`, 'sessions', 1 FROM `outreach_activities`
WHERE `format` <> 'commitment_signing'
  AND NOT (`channel` IN ('press', 'loudspeaker', 'newsletter', 'zalo', 'facebook', 'print') AND `participants_total` = 0);
--> statement-breakpoint
INSERT INTO `outreach_measures` (`activity_id`, `channel`, `measure`, `value`)
SELECT `id`, 'commitment_signing', 'commitments', `participants_total` FROM `outreach_activities`
WHERE `format` = 'commitment_signing'
  AND NOT (`channel` IN ('press', 'loudspeaker', 'newsletter', 'zalo', 'facebook', 'print') AND `participants_total` = 0);
--> statement-breakpoint
INSERT INTO `outreach_measures` (`activity_id`, `channel`, `measure`, `value`)
SELECT `id`, `channel`, m.`measure`, CASE WHEN m.`measure` = 'minutes' THEN `broadcast_minutes` WHEN m.`first` THEN 1 ELSE 0 END
FROM `outreach_activities` JOIN (
  SELECT 'zalo' AS `ch`, 'posts' AS `measure`, 1 AS `first` UNION ALL SELECT 'zalo', 'members', 0
  UNION ALL SELECT 'facebook', 'posts', 1 UNION ALL SELECT 'facebook', 'reach', 0
  UNION ALL SELECT 'loudspeaker', 'broadcasts', 1 UNION ALL SELECT 'loudspeaker', 'minutes', 0
  UNION ALL SELECT 'newsletter', 'issues', 1 UNION ALL SELECT 'newsletter', 'copies', 0
) m ON m.`ch` = `channel`;
--> statement-breakpoint
INSERT INTO `outreach_measures` (`activity_id`, `channel`, `measure`, `value`)
SELECT `id`, 'radio_tv', 'items', 1 FROM `outreach_activities` WHERE `channel` = 'press' AND `broadcast_minutes` > 0
UNION ALL SELECT `id`, 'radio_tv', 'minutes', `broadcast_minutes` FROM `outreach_activities` WHERE `channel` = 'press' AND `broadcast_minutes` > 0
UNION ALL SELECT `id`, 'press', 'items', 1 FROM `outreach_activities` WHERE `channel` = 'press' AND `broadcast_minutes` = 0;
--> statement-breakpoint
INSERT INTO `outreach_measures` (`activity_id`, `channel`, `measure`, `value`)
SELECT `id`, 'leaflets_posters', 'copies', `leaflets` FROM `outreach_activities` WHERE `channel` = 'print' OR `leaflets` + `posters` > 0
UNION ALL SELECT `id`, 'leaflets_posters', 'displays', `posters` FROM `outreach_activities` WHERE `channel` = 'print' OR `leaflets` + `posters` > 0;
--> statement-breakpoint
INSERT INTO `outreach_measures` (`activity_id`, `channel`, `measure`, `value`)
SELECT `id`, 'loudspeaker', 'broadcasts', 0 FROM `outreach_activities` WHERE `broadcast_minutes` > 0 AND `channel` NOT IN ('loudspeaker', 'press')
UNION ALL SELECT `id`, 'loudspeaker', 'minutes', `broadcast_minutes` FROM `outreach_activities` WHERE `broadcast_minutes` > 0 AND `channel` NOT IN ('loudspeaker', 'press');
--> statement-breakpoint
INSERT INTO `outreach_reclassifications` (`activity_id`, `area_id`, `activity_date`, `reason`, `old_format`, `old_channel`, `sessions_before`, `sessions_after`, `measures_after`, `at`)
SELECT o.`id`, o.`area_id`, o.`activity_date`,
       CASE WHEN o.`channel` IN ('press', 'loudspeaker', 'newsletter', 'zalo', 'facebook', 'print') AND o.`participants_total` = 0 THEN 'media_not_session' ELSE 'commitments_not_session' END,
       o.`format`, o.`channel`, 1, 0,
       (SELECT group_concat(m.`channel` || '.' || m.`measure` || '=' || m.`value`, '; ') FROM (SELECT * FROM `outreach_measures` WHERE `activity_id` = o.`id` ORDER BY `channel`, `measure`) m),
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM `outreach_activities` o
WHERE (o.`channel` IN ('press', 'loudspeaker', 'newsletter', 'zalo', 'facebook', 'print') AND o.`participants_total` = 0) OR o.`format` = 'commitment_signing'
ORDER BY o.`id`;
--> statement-breakpoint
-- A media-only activity is titled by its media channel.
UPDATE `outreach_activities` SET `format` = CASE `channel` WHEN 'print' THEN 'leaflets_posters' WHEN 'press' THEN CASE WHEN `broadcast_minutes` > 0 THEN 'radio_tv' ELSE 'press' END ELSE `channel` END
WHERE `channel` IN ('press', 'loudspeaker', 'newsletter', 'zalo', 'facebook', 'print') AND `participants_total` = 0;
--> statement-breakpoint
UPDATE `outreach_activities` SET `sessions` = (SELECT coalesce(sum(m.`value`), 0) FROM `outreach_measures` m WHERE m.`activity_id` = `outreach_activities`.`id` AND m.`measure` = 'sessions');
--> statement-breakpoint
-- The district summary reads these tables too: their writes move their counters (see 0015).
INSERT INTO `table_versions` (`name`, `version`) VALUES ('outreach_measures', 0), ('outreach_topics', 0), ('outreach_target_groups', 0);
--> statement-breakpoint
CREATE TRIGGER `outreach_measures_version_insert` AFTER INSERT ON `outreach_measures`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_measures';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_measures_version_update` AFTER UPDATE ON `outreach_measures`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_measures';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_measures_version_delete` AFTER DELETE ON `outreach_measures`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_measures';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_topics_version_insert` AFTER INSERT ON `outreach_topics`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_topics';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_topics_version_update` AFTER UPDATE ON `outreach_topics`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_topics';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_topics_version_delete` AFTER DELETE ON `outreach_topics`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_topics';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_target_groups_version_insert` AFTER INSERT ON `outreach_target_groups`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_target_groups';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_target_groups_version_update` AFTER UPDATE ON `outreach_target_groups`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_target_groups';
END;
--> statement-breakpoint
CREATE TRIGGER `outreach_target_groups_version_delete` AFTER DELETE ON `outreach_target_groups`
BEGIN
  UPDATE `table_versions` SET `version` = `version` + 1 WHERE `name` = 'outreach_target_groups';
END;
