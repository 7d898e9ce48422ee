ALTER TABLE "campaign_tasks" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "campaign_tasks" ADD COLUMN "mango_status_reason" integer;--> statement-breakpoint
ALTER TABLE "campaign_tasks" ADD COLUMN "outcome_reason" text;--> statement-breakpoint
ALTER TABLE "campaign_tasks" ADD COLUMN "finished_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaign_tasks" ADD COLUMN "polls" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "campaign_tasks" ADD COLUMN "next_poll_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaign_tasks" ADD COLUMN "amo_task_id" bigint;--> statement-breakpoint
ALTER TABLE "campaign_tasks" ADD COLUMN "amo_task_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaign_tasks" ADD COLUMN "outcome_applied_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "campaign_tasks_tenant_next_poll" ON "campaign_tasks" USING btree ("tenant_id","next_poll_at");