CREATE TABLE `form_submissions` (
	`key` text PRIMARY KEY NOT NULL,
	`user_id` integer,
	`record_type` text NOT NULL,
	`record_id` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `form_submissions_created_idx` ON `form_submissions` (`created_at`);