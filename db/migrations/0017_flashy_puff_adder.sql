CREATE TABLE `victim_support_counts` (
	`record_id` integer NOT NULL,
	`measure` text NOT NULL,
	`sex` text NOT NULL,
	`age_group` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`record_id`, `measure`, `sex`, `age_group`),
	FOREIGN KEY (`record_id`) REFERENCES `victim_support_records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `victim_support_records` (
	`id` integer PRIMARY KEY NOT NULL,
	`area_id` integer NOT NULL,
	`year` integer,
	`quarter` integer,
	`period_start` text NOT NULL,
	`period_end` text NOT NULL,
	`is_sample` integer DEFAULT false NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `victim_support_area_period_idx` ON `victim_support_records` (`area_id`,`period_start`,`period_end`);--> statement-breakpoint
CREATE INDEX `victim_support_period_idx` ON `victim_support_records` (`period_start`,`period_end`);