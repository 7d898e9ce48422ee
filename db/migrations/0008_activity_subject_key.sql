ALTER TABLE "activity_log" ADD COLUMN "subject_key" text;--> statement-breakpoint
CREATE INDEX "activity_log_tenant_subject_key" ON "activity_log" USING btree ("tenant_id","subject_key");