import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import { effectiveSettings } from "@/lib/domain/settings/effective";
import type { IntegrationSettings, StageRef } from "@/lib/domain/settings/schema";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { listAmocrmUsers, listPipelines, syncAmocrmDirectory } from "@/server/directory/amocrm-sync";

/** Field labels as the form shows them (Russian: server messages are shown as they are in ru). */
export const STAGE_FIELDS = [
  { path: "calls.answeredStage", label: "Воронка/этап для принятых звонков" },
  { path: "calls.missedStage", label: "Воронка/этап для пропущенных звонков" },
  { path: "extra.contactCenter.saveTopics.stageIfDeal", label: "Этап «Если есть сделка»" },
  { path: "extra.contactCenter.saveTopics.stageIfNoDeal", label: "Этап «Если нет сделки»" },
] as const;

export const USER_FIELDS = [
  { path: "calls.missedTasks.responsibleUserId", label: "Ответственный за задачи по пропущенным" },
  { path: "calls.saveAllCalls.userId", label: "Пользователь для звонков несопоставленных сотрудников" },
] as const;

export type SettingsProblem = { path: string; message: string };

/** A save refused for stale references; `problems` names each field by its dotted path in the document. */
export class StaleReferencesError extends Error {
  override name = "StaleReferencesError";
  constructor(readonly problems: SettingsProblem[]) {
    super(problems.map((p) => p.message).join(" "));
  }
}

type PipelineLike = { pipelineId: number; name: string; statuses: { id: number; name: string }[] };
type UserLike = { amoUserId: number; name: string; isActive: boolean };

function at(settings: IntegrationSettings, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | null)?.[k], settings);
}

/**
 * The stages and users a document points at. Children of an off parent are kept but not applied, so a
 * stage deleted meanwhile does not block saving unrelated changes: only effective references count.
 */
export function referencesOf(settings: IntegrationSettings) {
  const eff = effectiveSettings(settings);
  const stages = STAGE_FIELDS.flatMap((f) => {
    const ref = at(eff, f.path) as StageRef;
    return ref ? [{ ...f, ref }] : [];
  });
  const users = USER_FIELDS.flatMap((f) => {
    const id = at(eff, f.path) as number | null;
    return id ? [{ ...f, id }] : [];
  });
  return { stages, users };
}

/** Pure check against a fresh directory: one Russian message per stale field, naming the field. */
export function findStaleReferences(
  settings: IntegrationSettings,
  directory: { pipelines: PipelineLike[]; users: UserLike[] },
): SettingsProblem[] {
  const { stages, users } = referencesOf(settings);
  const problems: SettingsProblem[] = [];
  for (const s of stages) {
    const pipeline = directory.pipelines.find((p) => p.pipelineId === s.ref.pipelineId);
    if (!pipeline) {
      problems.push({
        path: s.path,
        message: `${s.label}: воронка больше не существует в amoCRM. Выберите другой этап.`,
      });
    } else if (!pipeline.statuses.some((st) => st.id === s.ref.statusId)) {
      problems.push({
        path: s.path,
        message: `${s.label}: этап воронки «${pipeline.name}» больше не существует в amoCRM. Выберите другой этап.`,
      });
    }
  }
  for (const u of users) {
    if (!directory.users.some((x) => x.amoUserId === u.id && x.isActive))
      problems.push({
        path: u.path,
        message: `${u.label}: пользователь больше не состоит в аккаунте amoCRM. Выберите другого.`,
      });
  }
  return problems;
}

/**
 * Re-reads the account's pipelines and users from amoCRM (refreshing the tenant's cache on the way, so the
 * form offers the same lists afterwards) and reports references that no longer exist. Nothing is read
 * from amoCRM when the document points at no stage and no user.
 */
export async function validateStages(
  db: Db,
  tenant: Pick<Tenant, "id" | "amocrmBaseUrl">,
  settings: IntegrationSettings,
): Promise<SettingsProblem[]> {
  const refs = referencesOf(settings);
  if (refs.stages.length === 0 && refs.users.length === 0) return [];
  await syncAmocrmDirectory(db, { tenantId: tenant.id, client: amocrmClientFor(db, tenant) });
  const [pipelines, users] = await Promise.all([
    listPipelines(db, { tenantId: tenant.id }),
    listAmocrmUsers(db, { tenantId: tenant.id }),
  ]);
  return findStaleReferences(settings, { pipelines, users });
}
