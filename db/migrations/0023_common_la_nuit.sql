CREATE TABLE `activity_speakers` (
	`activity_id` integer NOT NULL,
	`propagandist_id` integer NOT NULL,
	PRIMARY KEY(`activity_id`, `propagandist_id`),
	FOREIGN KEY (`activity_id`) REFERENCES `outreach_activities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`propagandist_id`) REFERENCES `propagandists`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `activity_speakers_person_idx` ON `activity_speakers` (`propagandist_id`,`activity_id`);--> statement-breakpoint
CREATE TABLE `monitoring_counts` (
	`record_id` integer NOT NULL,
	`category` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`record_id`, `category`),
	FOREIGN KEY (`record_id`) REFERENCES `monitoring_records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `monitoring_records` (
	`id` integer PRIMARY KEY NOT NULL,
	`area_id` integer NOT NULL,
	`period_kind` text NOT NULL,
	`year` integer NOT NULL,
	`period_number` integer NOT NULL,
	`period_start` text NOT NULL,
	`period_end` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `monitoring_area_period_idx` ON `monitoring_records` (`area_id`,`period_start`,`period_end`);--> statement-breakpoint
CREATE INDEX `monitoring_period_idx` ON `monitoring_records` (`period_start`,`period_end`);--> statement-breakpoint
CREATE TABLE `prevention_model_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`model_id` integer NOT NULL,
	`kind` text NOT NULL,
	`on_date` text NOT NULL,
	`other_model_id` integer,
	`note` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `prevention_models`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`other_model_id`) REFERENCES `prevention_models`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `prevention_model_events_model_idx` ON `prevention_model_events` (`model_id`,`on_date`);--> statement-breakpoint
CREATE TABLE `prevention_model_members` (
	`model_id` integer NOT NULL,
	`as_of` text NOT NULL,
	`members` integer NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	PRIMARY KEY(`model_id`, `as_of`),
	FOREIGN KEY (`model_id`) REFERENCES `prevention_models`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `prevention_models` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`area_id` integer NOT NULL,
	`host_agency` text NOT NULL,
	`start_date` text NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`replicated_from_id` integer,
	`merged_into_id` integer,
	`ended_on` text,
	`members` integer DEFAULT 0 NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`replicated_from_id`) REFERENCES `prevention_models`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`merged_into_id`) REFERENCES `prevention_models`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `prevention_models_area_idx` ON `prevention_models` (`area_id`,`start_date`);--> statement-breakpoint
CREATE INDEX `prevention_models_start_idx` ON `prevention_models` (`start_date`);--> statement-breakpoint
CREATE INDEX `prevention_models_origin_idx` ON `prevention_models` (`replicated_from_id`);--> statement-breakpoint
CREATE TABLE `propagandist_trainings` (
	`propagandist_id` integer NOT NULL,
	`trained_on` text NOT NULL,
	`course` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`propagandist_id`, `trained_on`),
	FOREIGN KEY (`propagandist_id`) REFERENCES `propagandists`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `propagandists` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`organisation` text NOT NULL,
	`area_id` integer NOT NULL,
	`role` text NOT NULL,
	`left_on` text,
	`created_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `propagandists_area_idx` ON `propagandists` (`area_id`,`name`);--> statement-breakpoint
ALTER TABLE `outreach_activities` ADD `model_id` integer REFERENCES prevention_models(id);--> statement-breakpoint
CREATE INDEX `outreach_model_idx` ON `outreach_activities` (`model_id`,`activity_date`);