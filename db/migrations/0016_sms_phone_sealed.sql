ALTER TABLE "sms_messages" ADD COLUMN "phone_sealed" text;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "phone_lookup" text;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "text_sealed" text;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "seal_key_id" text;--> statement-breakpoint
CREATE INDEX "sms_messages_tenant_phone_lookup" ON "sms_messages" USING btree ("tenant_id","phone_lookup");