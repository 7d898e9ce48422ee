import { pruneActivity } from "@/server/activity/jobs";
import { finishCallWithoutSummary } from "@/server/calls/assembly/finish-legs";
import { attachRecording, writeCallJob } from "@/server/calls/jobs";
import { refreshStaleDirectories, syncDirectory } from "@/server/directory/jobs";
import { processMangoEvent } from "@/server/events/mango-jobs";
import type { JobDefinition } from "@/server/jobs/define";
import { ruleActionJobs } from "@/server/rules/actions";
import { applyRuleToCurrentDealsJob } from "@/server/rules/apply-jobs";
import { accountEventRulesJob, evaluateRulesJob } from "@/server/rules/jobs";
import { pollCallTopicsJob } from "@/server/topics/jobs";

/** Every job definition of the app; both drivers serve exactly this list. */
export const jobDefinitions: JobDefinition[] = [
  pruneActivity,
  processMangoEvent,
  writeCallJob,
  attachRecording,
  finishCallWithoutSummary,
  pollCallTopicsJob,
  syncDirectory,
  refreshStaleDirectories,
  evaluateRulesJob,
  accountEventRulesJob,
  applyRuleToCurrentDealsJob,
  ...ruleActionJobs,
];
