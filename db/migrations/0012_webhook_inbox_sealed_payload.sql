ALTER TABLE "webhook_inbox" ADD COLUMN "sealed_payload" text;--> statement-breakpoint
ALTER TABLE "webhook_inbox" ADD COLUMN "sealed_key_id" text;