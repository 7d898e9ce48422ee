"use client";

import { Plus, ShieldAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useErrorText } from "@/lib/trpc/errors";
import { ApplyProgress } from "./apply-progress";
import { RuleCard } from "./rule-card";
import { RuleForm, saveBlockOf } from "./rule-form";
import type { EditorContext, StoredRule } from "./types";
import { useEditorContext, useStageRules } from "./use-rules";

type Stage = { pipelineId: number; statusId: number };
type Editing = { rule: StoredRule | null } | null;

/**
 * The rules of one stage with create / edit / delete. Reaches the server only through the tRPC hooks of
 * the surrounding provider, so the portal page and the widget's DP iframe (its own provider and endpoint)
 * use it unchanged.
 */
export function StageRules({ pipelineId, statusId }: Stage) {
  const t = useTranslations("rules");
  const errorText = useErrorText();
  const context = useEditorContext();
  if (context.isPending) return <Skeleton className="h-40 w-full" />;
  if (context.isError)
    return (
      <div role="alert" className="flex items-center gap-3 text-sm text-destructive">
        {errorText(context.error)}
        <Button variant="outline" size="sm" onClick={() => context.refetch()}>
          {t("retry")}
        </Button>
      </div>
    );
  return <StageRulesList stage={{ pipelineId, statusId }} context={context.data} />;
}

function StageRulesList({ stage, context }: { stage: Stage; context: EditorContext }) {
  const t = useTranslations("rules");
  const tp = useTranslations("rules.permission");
  const errorText = useErrorText();
  const api = useStageRules(stage);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Runs of "apply to current deals" started from this page, so their progress shows without a reload.
  const [applications, setApplications] = useState<Record<string, string>>({});
  const canSave = saveBlockOf(context) === null;
  const canDelete = context.me.canEdit;

  const remove = (rule: StoredRule) => {
    if (!window.confirm(t("stage.confirmDelete", { name: rule.name || t("stage.unnamed") }))) return;
    api.remove.mutate({ id: rule.id }, { onSuccess: () => setNotice(t("stage.deleted")) });
  };

  if (editing)
    return (
      <RuleForm
        // A fresh form per rule: defaults are read once.
        key={editing.rule?.id ?? "new"}
        stage={stage}
        context={context}
        rule={editing.rule}
        save={api.save}
        onDone={(saved) => {
          setEditing(null);
          setNotice(saved ? t("form.saved") : null);
          const applicationId = saved?.applicationId;
          if (saved && applicationId) setApplications((a) => ({ ...a, [saved.rule.id]: applicationId }));
        }}
      />
    );

  const rules = api.list.data?.rules ?? [];
  return (
    <div className="flex flex-col gap-3" data-testid="stage-rules">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Button onClick={() => setEditing({ rule: null })} disabled={!canSave} data-testid="add-rule">
          <Plus />
          {t("stage.add")}
        </Button>
        {notice ? (
          <span role="status" className="text-sm text-emerald-700" data-testid="rules-notice">
            {notice}
          </span>
        ) : null}
      </div>
      {!canSave ? (
        <div
          role="note"
          className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="save-blocked"
        >
          <ShieldAlert className="mt-0.5 size-4 shrink-0" />
          <span>{tp("no_extension")}</span>
        </div>
      ) : null}
      {api.remove.error ? (
        <p role="alert" className="text-sm text-destructive">
          {errorText(api.remove.error)}
        </p>
      ) : null}
      {api.list.isPending ? (
        <Skeleton className="h-24 w-full" />
      ) : api.list.isError ? (
        <p role="alert" className="text-sm text-destructive">
          {errorText(api.list.error)}
        </p>
      ) : rules.length === 0 ? (
        <p className="rounded-lg border border-dashed px-4 py-6 text-center text-sm text-muted-foreground">
          {t("stage.empty")}
        </p>
      ) : (
        rules.map((rule) => (
          <RuleCard
            key={rule.id}
            rule={rule}
            context={context}
            canEdit={canSave || canDelete}
            onEdit={() => setEditing({ rule })}
            onDelete={() => remove(rule)}
            deleting={api.remove.isPending}
          >
            <ApplyProgress
              ruleId={rule.id}
              applicationId={applications[rule.id]}
              canCancel={canSave || canDelete}
            />
          </RuleCard>
        ))
      )}
    </div>
  );
}
