import { createCallerFactory, router } from "./init";
import { activityGet } from "./procedures/activity-get";
import { activityJournal } from "./procedures/activity-journal";
import { activityKinds } from "./procedures/activity-kinds";
import { activityList } from "./procedures/activity-list";
import { activityRetry } from "./procedures/activity-retry";
import { authDevUsers } from "./procedures/auth-dev-users";
import { callbacksCallNow } from "./procedures/callbacks-call-now";
import { callbacksClear } from "./procedures/callbacks-clear";
import { callbacksCount } from "./procedures/callbacks-count";
import { callbacksDaily } from "./procedures/callbacks-daily";
import { callbacksPauseRule } from "./procedures/callbacks-pause-rule";
import { callbacksQueue } from "./procedures/callbacks-queue";
import { callbacksRemove } from "./procedures/callbacks-remove";
import { callbacksResumeRule } from "./procedures/callbacks-resume-rule";
import { callsDaily } from "./procedures/calls-daily";
import { callsList } from "./procedures/calls-list";
import { callsUnattributed } from "./procedures/calls-unattributed";
import { campaignsAlerts } from "./procedures/campaigns-alerts";
import { campaignsTechnicalTasks } from "./procedures/campaigns-technical-tasks";
import { employeesApplyProposals } from "./procedures/employees-apply-proposals";
import { employeesLink } from "./procedures/employees-link";
import { employeesList } from "./procedures/employees-list";
import { employeesProposals } from "./procedures/employees-proposals";
import { employeesResync } from "./procedures/employees-resync";
import { employeesUnlink } from "./procedures/employees-unlink";
import { mangoConnectProcedure } from "./procedures/mango-connect";
import { mangoDisconnectProcedure } from "./procedures/mango-disconnect";
import { mangoStatus } from "./procedures/mango-status";
import { meGet } from "./procedures/me-get";
import { membersList } from "./procedures/members-list";
import { membersSetRole } from "./procedures/members-set-role";
import { onboardingChecklistProcedure } from "./procedures/onboarding-checklist";
import { onboardingEnsureCcFields } from "./procedures/onboarding-ensure-cc-fields";
import { rulesApplyCancel } from "./procedures/rules-apply-cancel";
import { rulesApplyStatus } from "./procedures/rules-apply-status";
import { rulesCallbackOptions } from "./procedures/rules-callback-options";
import { rulesCampaignOptions } from "./procedures/rules-campaign-options";
import { rulesDelete } from "./procedures/rules-delete";
import { rulesDryRun } from "./procedures/rules-dry-run";
import { rulesEditorContext } from "./procedures/rules-editor-context";
import { rulesList } from "./procedures/rules-list";
import { rulesPreview } from "./procedures/rules-preview";
import { rulesSave } from "./procedures/rules-save";
import { rulesStageDeals } from "./procedures/rules-stage-deals";
import { settingsGet } from "./procedures/settings-get";
import { settingsSave } from "./procedures/settings-save";
import { smsDaily } from "./procedures/sms-daily";
import { smsList } from "./procedures/sms-list";
import { tenantGet } from "./procedures/tenant-get";
import { widgetStage } from "./procedures/widget-stage";
import { widgetStatus } from "./procedures/widget-status";

export const appRouter = router({
  auth: router({ devUsers: authDevUsers }),
  me: router({ get: meGet }),
  tenant: router({ get: tenantGet }),
  members: router({ list: membersList, setRole: membersSetRole }),
  activity: router({
    journal: activityJournal,
    list: activityList,
    get: activityGet,
    retry: activityRetry,
    kinds: activityKinds,
  }),
  calls: router({ list: callsList, daily: callsDaily, unattributed: callsUnattributed }),
  employees: router({
    list: employeesList,
    proposals: employeesProposals,
    applyProposals: employeesApplyProposals,
    link: employeesLink,
    unlink: employeesUnlink,
    resync: employeesResync,
  }),
  rules: router({
    list: rulesList,
    save: rulesSave,
    delete: rulesDelete,
    editorContext: rulesEditorContext,
    stageDeals: rulesStageDeals,
    preview: rulesPreview,
    dryRun: rulesDryRun,
    applyStatus: rulesApplyStatus,
    applyCancel: rulesApplyCancel,
    callbackOptions: rulesCallbackOptions,
    campaignOptions: rulesCampaignOptions,
  }),
  campaigns: router({ alerts: campaignsAlerts, technicalTasks: campaignsTechnicalTasks }),
  callbacks: router({
    queue: callbacksQueue,
    count: callbacksCount,
    clear: callbacksClear,
    remove: callbacksRemove,
    callNow: callbacksCallNow,
    pauseRule: callbacksPauseRule,
    resumeRule: callbacksResumeRule,
    daily: callbacksDaily,
  }),
  sms: router({ list: smsList, daily: smsDaily }),
  settings: router({ get: settingsGet, save: settingsSave }),
  mango: router({
    status: mangoStatus,
    connect: mangoConnectProcedure,
    disconnect: mangoDisconnectProcedure,
  }),
  onboarding: router({ checklist: onboardingChecklistProcedure, ensureCcFields: onboardingEnsureCcFields }),
  widget: router({ status: widgetStatus, stage: widgetStage }),
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
