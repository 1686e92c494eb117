CREATE TABLE `venues` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`area_id` integer NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`owner_name` text DEFAULT '' NOT NULL,
	`phone` text DEFAULT '' NOT NULL,
	`business_registration_number` text DEFAULT '' NOT NULL,
	`licence_number` text DEFAULT '' NOT NULL,
	`licence_expiry` text,
	`staff_count` integer,
	`status` text DEFAULT 'operating' NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`dedupe_key` text NOT NULL,
	`search_text` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `venues_area_name_idx` ON `venues` (`area_id`,`name`);--> statement-breakpoint
CREATE INDEX `venues_dedupe_idx` ON `venues` (`area_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `venues_kind_idx` ON `venues` (`kind`);--> statement-breakpoint
CREATE INDEX `venues_licence_expiry_idx` ON `venues` (`licence_expiry`);--> statement-breakpoint
CREATE INDEX `venues_name_idx` ON `venues` (`name`);--> statement-breakpoint
CREATE TABLE `check_attachments` (
	`id` integer PRIMARY KEY NOT NULL,
	`check_id` integer NOT NULL,
	`original_name` text NOT NULL,
	`stored_name` text NOT NULL,
	`thumbnail_name` text,
	`mime_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`uploaded_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`check_id`) REFERENCES `checks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `check_attachments_check_idx` ON `check_attachments` (`check_id`);--> statement-breakpoint
CREATE TABLE `check_answers` (
	`check_id` integer NOT NULL,
	`item_code` text NOT NULL,
	`answer` text,
	`note` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`check_id`, `item_code`),
	FOREIGN KEY (`check_id`) REFERENCES `checks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `checklist_templates` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`version` integer NOT NULL,
	`title_vi` text NOT NULL,
	`title_en` text NOT NULL,
	`status` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	`published_at` text,
	`revision` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checklist_code_version_unique` ON `checklist_templates` (`code`,`version`);--> statement-breakpoint
CREATE TABLE `checks` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`venue_id` integer NOT NULL,
	`area_id` integer NOT NULL,
	`template_id` integer NOT NULL,
	`inspector_id` integer NOT NULL,
	`visit_date` text NOT NULL,
	`visit_time` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`team_present` text DEFAULT '[]' NOT NULL,
	`representative_name` text DEFAULT '' NOT NULL,
	`representative_position` text DEFAULT '' NOT NULL,
	`owners_present` integer,
	`staff_present` integer,
	`staff_counselled` integer,
	`materials_given` text DEFAULT '' NOT NULL,
	`venue_comments` text DEFAULT '' NOT NULL,
	`conclusion` text DEFAULT '' NOT NULL,
	`review_comment` text DEFAULT '' NOT NULL,
	`violation_count` integer DEFAULT 0 NOT NULL,
	`amends_id` integer,
	`superseded_by_id` integer,
	`submitted_at` text,
	`reviewed_at` text,
	`reviewed_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`venue_id`) REFERENCES `venues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`template_id`) REFERENCES `checklist_templates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`inspector_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`amends_id`) REFERENCES `checks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`superseded_by_id`) REFERENCES `checks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `checks_round_idx` ON `checks` (`round_id`,`visit_date`);--> statement-breakpoint
CREATE INDEX `checks_venue_idx` ON `checks` (`venue_id`,`visit_date`);--> statement-breakpoint
CREATE INDEX `checks_area_date_idx` ON `checks` (`area_id`,`visit_date`);--> statement-breakpoint
CREATE INDEX `checks_date_idx` ON `checks` (`visit_date`);--> statement-breakpoint
CREATE INDEX `checks_status_date_idx` ON `checks` (`status`,`visit_date`);--> statement-breakpoint
CREATE INDEX `checks_inspector_idx` ON `checks` (`inspector_id`,`status`);--> statement-breakpoint
ALTER TABLE `round_team_members` ADD `user_id` integer REFERENCES users(id);--> statement-breakpoint
CREATE INDEX `round_team_user_idx` ON `round_team_members` (`user_id`);