CREATE TABLE `outreach_measures` (
	`activity_id` integer NOT NULL,
	`channel` text NOT NULL,
	`measure` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`activity_id`, `channel`, `measure`),
	FOREIGN KEY (`activity_id`) REFERENCES `outreach_activities`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `outreach_measures_channel_idx` ON `outreach_measures` (`channel`,`activity_id`);--> statement-breakpoint
CREATE TABLE `outreach_reclassifications` (
	`id` integer PRIMARY KEY NOT NULL,
	`activity_id` integer NOT NULL,
	`area_id` integer NOT NULL,
	`activity_date` text NOT NULL,
	`reason` text NOT NULL,
	`old_format` text NOT NULL,
	`old_channel` text NOT NULL,
	`sessions_before` integer NOT NULL,
	`sessions_after` integer NOT NULL,
	`measures_after` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`activity_id`) REFERENCES `outreach_activities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outreach_reclassifications_area_idx` ON `outreach_reclassifications` (`area_id`,`activity_date`);--> statement-breakpoint
CREATE TABLE `outreach_topics` (
	`activity_id` integer NOT NULL,
	`topic_code` text NOT NULL,
	PRIMARY KEY(`activity_id`, `topic_code`),
	FOREIGN KEY (`activity_id`) REFERENCES `outreach_activities`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `outreach_topics_code_idx` ON `outreach_topics` (`topic_code`,`activity_id`);--> statement-breakpoint
ALTER TABLE `outreach_activities` ADD `sessions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `outreach_activities` ADD `topic_other` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `outreach_target_groups` ADD `participants` integer;