CREATE TABLE `recommendation_comments` (
	`id` integer PRIMARY KEY NOT NULL,
	`recommendation_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`recommendation_id`) REFERENCES `recommendations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `recommendation_comments_idx` ON `recommendation_comments` (`recommendation_id`,`id`);--> statement-breakpoint
CREATE TABLE `recommendations` (
	`id` integer PRIMARY KEY NOT NULL,
	`record_id` integer NOT NULL,
	`round_id` integer NOT NULL,
	`area_id` integer NOT NULL,
	`body` text NOT NULL,
	`addressee` text DEFAULT '' NOT NULL,
	`addressee_area_id` integer,
	`due_date` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`done_at` text,
	`verified_at` text,
	`verified_by` integer,
	`verification_note` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`record_id`) REFERENCES `supervision_records`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`addressee_area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`verified_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `recommendations_record_idx` ON `recommendations` (`record_id`);--> statement-breakpoint
CREATE INDEX `recommendations_area_due_idx` ON `recommendations` (`area_id`,`due_date`,`status`);--> statement-breakpoint
CREATE INDEX `recommendations_status_due_idx` ON `recommendations` (`status`,`due_date`);--> statement-breakpoint
CREATE INDEX `recommendations_round_idx` ON `recommendations` (`round_id`);--> statement-breakpoint
CREATE TABLE `supervision_answers` (
	`record_id` integer NOT NULL,
	`item_code` text NOT NULL,
	`answer` text,
	`note` text DEFAULT '' NOT NULL,
	`figure` integer,
	`prefill_source` text,
	`prefill_records` integer,
	`prefill_value` integer,
	PRIMARY KEY(`record_id`, `item_code`),
	FOREIGN KEY (`record_id`) REFERENCES `supervision_records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `supervision_records` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`area_id` integer NOT NULL,
	`template_id` integer NOT NULL,
	`filed_by` integer NOT NULL,
	`visit_date` text NOT NULL,
	`place` text DEFAULT '' NOT NULL,
	`authority` text NOT NULL,
	`authority_present` text DEFAULT '' NOT NULL,
	`team_present` text DEFAULT '[]' NOT NULL,
	`figures_from` text NOT NULL,
	`figures_to` text NOT NULL,
	`strengths` text DEFAULT '' NOT NULL,
	`difficulties` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`review_comment` text DEFAULT '' NOT NULL,
	`not_met_count` integer DEFAULT 0 NOT NULL,
	`amends_id` integer,
	`superseded_by_id` integer,
	`submitted_at` text,
	`reviewed_at` text,
	`reviewed_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`template_id`) REFERENCES `checklist_templates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`filed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`amends_id`) REFERENCES `supervision_records`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`superseded_by_id`) REFERENCES `supervision_records`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `supervision_round_idx` ON `supervision_records` (`round_id`,`area_id`);--> statement-breakpoint
CREATE INDEX `supervision_area_date_idx` ON `supervision_records` (`area_id`,`visit_date`);--> statement-breakpoint
CREATE INDEX `supervision_date_idx` ON `supervision_records` (`visit_date`,`status`);--> statement-breakpoint
CREATE INDEX `supervision_amends_idx` ON `supervision_records` (`amends_id`);--> statement-breakpoint
ALTER TABLE `rounds` ADD `purpose` text DEFAULT 'venue_check' NOT NULL;