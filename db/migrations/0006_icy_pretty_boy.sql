CREATE TABLE `campaign_targets` (
	`campaign_id` integer NOT NULL,
	`area_id` integer NOT NULL,
	`rounds` integer DEFAULT 0 NOT NULL,
	`venues` integer DEFAULT 0 NOT NULL,
	`sessions` integer DEFAULT 0 NOT NULL,
	`participants` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`campaign_id`, `area_id`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` integer PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`plan_number` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`owner_id` integer,
	`description` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`is_sample` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `campaigns_start_idx` ON `campaigns` (`start_date`);--> statement-breakpoint
CREATE INDEX `campaigns_status_idx` ON `campaigns` (`status`,`start_date`);--> statement-breakpoint
CREATE TABLE `outreach_activities` (
	`id` integer PRIMARY KEY NOT NULL,
	`campaign_id` integer,
	`activity_date` text NOT NULL,
	`area_id` integer NOT NULL,
	`village` text DEFAULT '' NOT NULL,
	`format` text NOT NULL,
	`channel` text NOT NULL,
	`organising_agency` text NOT NULL,
	`participants_total` integer NOT NULL,
	`participants_women` integer NOT NULL,
	`leaflets` integer DEFAULT 0 NOT NULL,
	`posters` integer DEFAULT 0 NOT NULL,
	`broadcast_minutes` integer DEFAULT 0 NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outreach_area_date_idx` ON `outreach_activities` (`area_id`,`activity_date`);--> statement-breakpoint
CREATE INDEX `outreach_date_idx` ON `outreach_activities` (`activity_date`);--> statement-breakpoint
CREATE INDEX `outreach_campaign_idx` ON `outreach_activities` (`campaign_id`,`activity_date`);--> statement-breakpoint
CREATE TABLE `outreach_target_groups` (
	`activity_id` integer NOT NULL,
	`group_code` text NOT NULL,
	PRIMARY KEY(`activity_id`, `group_code`),
	FOREIGN KEY (`activity_id`) REFERENCES `outreach_activities`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `outreach_groups_code_idx` ON `outreach_target_groups` (`group_code`,`activity_id`);--> statement-breakpoint
ALTER TABLE `rounds` ADD `campaign_id` integer REFERENCES campaigns(id);--> statement-breakpoint
CREATE INDEX `rounds_campaign_idx` ON `rounds` (`campaign_id`);