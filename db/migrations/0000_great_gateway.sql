CREATE TABLE `app_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `area_links` (
	`old_area_id` integer NOT NULL,
	`new_area_id` integer NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`old_area_id`, `new_area_id`),
	FOREIGN KEY (`old_area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`new_area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `area_links_new_idx` ON `area_links` (`new_area_id`);--> statement-breakpoint
CREATE TABLE `areas` (
	`id` integer PRIMARY KEY NOT NULL,
	`level` text NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`parent_id` integer,
	`valid_from` text,
	`valid_to` text,
	FOREIGN KEY (`parent_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `areas_level_code_idx` ON `areas` (`level`,`code`);--> statement-breakpoint
CREATE INDEX `areas_parent_idx` ON `areas` (`parent_id`);--> statement-breakpoint
CREATE TABLE `round_areas` (
	`round_id` integer NOT NULL,
	`area_id` integer NOT NULL,
	PRIMARY KEY(`round_id`, `area_id`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `round_areas_area_idx` ON `round_areas` (`area_id`,`round_id`);--> statement-breakpoint
CREATE TABLE `round_status_changes` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`changed_at` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `round_status_changes_round_idx` ON `round_status_changes` (`round_id`,`changed_at`);--> statement-breakpoint
CREATE TABLE `round_team_members` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`position` integer NOT NULL,
	`full_name` text NOT NULL,
	`agency` text NOT NULL,
	`team_role` text NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `round_team_round_idx` ON `round_team_members` (`round_id`,`position`);--> statement-breakpoint
CREATE TABLE `rounds` (
	`id` integer PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`decision_number` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`lead_agency` text DEFAULT '' NOT NULL,
	`objectives` text DEFAULT '' NOT NULL,
	`search_text` text DEFAULT '' NOT NULL,
	`is_sample` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rounds_start_date_idx` ON `rounds` (`start_date`,`id`);--> statement-breakpoint
CREATE INDEX `rounds_status_start_idx` ON `rounds` (`status`,`start_date`);