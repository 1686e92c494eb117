CREATE TABLE `finding_confirmations` (
	`check_id` integer NOT NULL,
	`finding_id` integer NOT NULL,
	`fixed` integer,
	`note` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`check_id`, `finding_id`),
	FOREIGN KEY (`check_id`) REFERENCES `checks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `finding_confirmations_finding_idx` ON `finding_confirmations` (`finding_id`);--> statement-breakpoint
CREATE TABLE `findings` (
	`id` integer PRIMARY KEY NOT NULL,
	`check_id` integer NOT NULL,
	`venue_id` integer NOT NULL,
	`round_id` integer NOT NULL,
	`area_id` integer NOT NULL,
	`visit_date` text NOT NULL,
	`item_code` text,
	`category` text DEFAULT '' NOT NULL,
	`title` text NOT NULL,
	`legal_basis` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`severity` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`closed_at` text,
	`referral_agency` text,
	`referred_by` integer,
	`referred_on` text,
	`referral_reference` text DEFAULT '' NOT NULL,
	`victim_details` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`check_id`) REFERENCES `checks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`venue_id`) REFERENCES `venues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`referred_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `findings_check_idx` ON `findings` (`check_id`);--> statement-breakpoint
CREATE INDEX `findings_venue_idx` ON `findings` (`venue_id`,`status`);--> statement-breakpoint
CREATE INDEX `findings_area_date_idx` ON `findings` (`area_id`,`visit_date`);--> statement-breakpoint
CREATE INDEX `findings_date_idx` ON `findings` (`visit_date`);--> statement-breakpoint
CREATE INDEX `findings_status_severity_idx` ON `findings` (`status`,`severity`);--> statement-breakpoint
CREATE TABLE `follow_up_comments` (
	`id` integer PRIMARY KEY NOT NULL,
	`follow_up_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`body` text NOT NULL,
	`attachment_name` text,
	`attachment_stored_name` text,
	`attachment_mime_type` text,
	`attachment_sha256` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`follow_up_id`) REFERENCES `follow_ups`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `follow_up_comments_idx` ON `follow_up_comments` (`follow_up_id`,`id`);--> statement-breakpoint
CREATE TABLE `follow_ups` (
	`id` integer PRIMARY KEY NOT NULL,
	`finding_id` integer NOT NULL,
	`venue_id` integer NOT NULL,
	`area_id` integer NOT NULL,
	`measure` text NOT NULL,
	`fine_amount` integer,
	`responsible_kind` text NOT NULL,
	`responsible_agency` text,
	`responsible_user_id` integer,
	`due_date` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`done_at` text,
	`verified_at` text,
	`verified_by` integer,
	`verified_by_check_id` integer,
	`verification_note` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`venue_id`) REFERENCES `venues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`responsible_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`verified_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`verified_by_check_id`) REFERENCES `checks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `follow_ups_finding_idx` ON `follow_ups` (`finding_id`);--> statement-breakpoint
CREATE INDEX `follow_ups_status_due_idx` ON `follow_ups` (`status`,`due_date`);--> statement-breakpoint
CREATE INDEX `follow_ups_area_due_idx` ON `follow_ups` (`area_id`,`due_date`);--> statement-breakpoint
CREATE INDEX `follow_ups_user_idx` ON `follow_ups` (`responsible_user_id`,`status`);--> statement-breakpoint
CREATE INDEX `follow_ups_venue_idx` ON `follow_ups` (`venue_id`);