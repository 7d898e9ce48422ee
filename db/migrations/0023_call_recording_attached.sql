ALTER TABLE "call_logs" ADD COLUMN "recording_attached_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "recording_id" text;