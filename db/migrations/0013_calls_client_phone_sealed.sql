ALTER TABLE "calls" ADD COLUMN "client_phone_sealed" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "client_phone_key_id" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "client_phone_lookup" text;--> statement-breakpoint
CREATE INDEX "calls_tenant_phone_lookup" ON "calls" USING btree ("tenant_id","client_phone_lookup");