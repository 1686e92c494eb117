DROP INDEX `findings_area_date_idx`;--> statement-breakpoint
CREATE INDEX `findings_triage_idx` ON `findings` ((case when "severity" = 'critical' and "referred_on" is null and "status" = 'open' then 0 else 1 end),"visit_date" desc,"id" desc);--> statement-breakpoint
CREATE INDEX `findings_area_date_idx` ON `findings` (`area_id`,`visit_date`,`severity`,`referred_on`,`status`);