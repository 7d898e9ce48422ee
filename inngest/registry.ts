import { pruneActivity } from "@/server/activity/jobs";
import { logCall } from "@/server/calls/jobs";
import { refreshStaleDirectories, syncDirectory } from "@/server/directory/jobs";
import { processMangoEvent } from "@/server/events/mango-jobs";
import type { JobDefinition } from "@/server/jobs/define";
import { applyRuleToCurrentDealsJob } from "@/server/rules/apply-jobs";
import { accountEventRulesJob, evaluateRulesJob } from "@/server/rules/jobs";
import { sendSmsJob } from "@/server/sms/jobs";
import { sweepSmsNotesJob, writeSmsNotesJob } from "@/server/sms/notes-jobs";

/** Every job definition of the app; both drivers serve exactly this list. */
export const jobDefinitions: JobDefinition[] = [
  pruneActivity,
  processMangoEvent,
  logCall,
  syncDirectory,
  refreshStaleDirectories,
  evaluateRulesJob,
  accountEventRulesJob,
  sendSmsJob,
  writeSmsNotesJob,
  sweepSmsNotesJob,
  applyRuleToCurrentDealsJob,
];
