CREATE TABLE `periodic_report_reminders` (
	`id` integer PRIMARY KEY NOT NULL,
	`period_id` integer NOT NULL,
	`area_id` integer NOT NULL,
	`kind` text NOT NULL,
	`due_date` text NOT NULL,
	`recipients` text NOT NULL,
	`status` text NOT NULL,
	`error` text DEFAULT '' NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`period_id`) REFERENCES `reporting_periods`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `periodic_report_reminders_once_idx` ON `periodic_report_reminders` (`period_id`,`area_id`,`kind`);--> statement-breakpoint
CREATE INDEX `periodic_report_reminders_at_idx` ON `periodic_report_reminders` (`at`);--> statement-breakpoint
CREATE TABLE `periodic_report_steps` (
	`id` integer PRIMARY KEY NOT NULL,
	`report_id` integer NOT NULL,
	`action` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`user_id` integer,
	`actor_name` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `periodic_reports`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `periodic_report_steps_report_idx` ON `periodic_report_steps` (`report_id`,`id`);--> statement-breakpoint
CREATE TABLE `periodic_reports` (
	`id` integer PRIMARY KEY NOT NULL,
	`period_id` integer NOT NULL,
	`area_id` integer NOT NULL,
	`edition` integer DEFAULT 1 NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`assessment` text DEFAULT '' NOT NULL,
	`difficulties` text DEFAULT '' NOT NULL,
	`proposals` text DEFAULT '' NOT NULL,
	`next_tasks` text DEFAULT '' NOT NULL,
	`correction_reason` text DEFAULT '' NOT NULL,
	`snapshot` text,
	`submitted_at` text,
	`submitted_by` integer,
	`reviewed_at` text,
	`reviewed_by` integer,
	`return_comment` text DEFAULT '' NOT NULL,
	`replaced_by_id` integer,
	`created_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`period_id`) REFERENCES `reporting_periods`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submitted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `periodic_reports_edition_idx` ON `periodic_reports` (`period_id`,`area_id`,`edition`);--> statement-breakpoint
CREATE INDEX `periodic_reports_status_idx` ON `periodic_reports` (`status`,`period_id`);--> statement-breakpoint
CREATE INDEX `periodic_reports_area_idx` ON `periodic_reports` (`area_id`,`period_id`);--> statement-breakpoint
CREATE TABLE `reporting_periods` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`campaign_id` integer,
	`period_start` text NOT NULL,
	`period_end` text NOT NULL,
	`due_commune` text,
	`due_district` text,
	`due_province` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reporting_periods_end_idx` ON `reporting_periods` (`period_end`);