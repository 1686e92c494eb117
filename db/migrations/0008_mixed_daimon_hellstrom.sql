DROP INDEX `checks_date_idx`;--> statement-breakpoint
CREATE INDEX `checks_date_summary_idx` ON `checks` (`visit_date`,`area_id`,`status`,`superseded_by_id`,`venue_id`,`staff_counselled`);--> statement-breakpoint
CREATE INDEX `checks_amends_idx` ON `checks` (`amends_id`);--> statement-breakpoint
DROP INDEX `findings_date_idx`;--> statement-breakpoint
CREATE INDEX `findings_date_summary_idx` ON `findings` (`visit_date`,`area_id`,`category`,`severity`,`referred_on`,`check_id`);