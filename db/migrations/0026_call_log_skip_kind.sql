ALTER TABLE "call_logs" ADD COLUMN "skip_kind" text;--> statement-breakpoint
CREATE INDEX "call_logs_tenant_skip_kind" ON "call_logs" USING btree ("tenant_id","skip_kind");--> statement-breakpoint
-- Calls skipped before the column existed: their reason is the one chooseResponsible wrote (log-decide.ts).
UPDATE "call_logs" SET "skip_kind" = 'unattributed' WHERE "state" = 'skipped' AND "reason" LIKE '%не сопоставлен с пользователем amoCRM%';
