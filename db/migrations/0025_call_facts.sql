ALTER TABLE "calls" ADD COLUMN "talked_extensions" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "summary" jsonb;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "direction_note" text;--> statement-breakpoint
-- Calls assembled before the summary was kept: their summary's figures are what the row holds, so a late
-- event re-deriving the record keeps them. Numbers stay out (the client's is sealed on the row).
UPDATE "calls" SET "summary" = jsonb_build_object(
  'direction', "direction",
  'fromExtension', CASE WHEN "direction" = 'outgoing' THEN "caller_extension" END,
  'toExtension', CASE WHEN "direction" = 'outgoing' THEN NULL ELSE "answered_extension" END,
  'lineNumber', "line_number",
  'createdAt', floor(extract(epoch FROM "started_at"))::bigint,
  'answeredAt', floor(extract(epoch FROM "answered_at"))::bigint,
  'endedAt', floor(extract(epoch FROM "ended_at"))::bigint,
  'talkSeconds', "talk_seconds",
  'disconnectReason', "disconnect_reason"
) WHERE "applied_events" @> jsonb_build_array('summary:' || "entry_id")
  AND "started_at" IS NOT NULL AND "ended_at" IS NOT NULL;--> statement-breakpoint
UPDATE "calls" SET "talked_extensions" = jsonb_build_array("answered_extension")
  WHERE "answered_extension" IS NOT NULL;
