ALTER TABLE `form_submissions` ADD `kind` text;--> statement-breakpoint
ALTER TABLE `form_submissions` ADD `body_hash` text;--> statement-breakpoint
ALTER TABLE `form_submissions` ADD `outcome` text;