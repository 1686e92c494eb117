DROP INDEX `follow_ups_status_due_idx`;--> statement-breakpoint
DROP INDEX `follow_ups_area_due_idx`;--> statement-breakpoint
CREATE INDEX `follow_ups_settled_due_idx` ON `follow_ups` (`status`,`due_date`,`id`) WHERE "follow_ups"."status" in ('done', 'verified');--> statement-breakpoint
CREATE INDEX `follow_ups_area_due_idx` ON `follow_ups` (`area_id`,`due_date`,`status`);