"use client";

import { useTranslations } from "next-intl";
import { useWatch } from "react-hook-form";
import { createsDeals } from "@/lib/domain/settings/effective";
import {
  type IntegrationSettings,
  NEW_CLIENT_ACTIONS,
  REPEAT_CLIENT_ACTIONS,
} from "@/lib/domain/settings/schema";
import { AutoCallbackBlock } from "./auto-callback-block";
import {
  ChoiceSelect,
  Dependent,
  type FormControl,
  Section,
  type SettingsOptions,
  SwitchField,
} from "./fields";
import { StageSelect, UserSelect } from "./pickers";

type Props = { control: FormControl; disabled: boolean; options: SettingsOptions };

/** "Обработка звонков" (reference §2.3, §2.7). */
export function CallsTab({ control, disabled, options }: Props) {
  const t = useTranslations("integrationSettings.calls");
  const ctx = { control, disabled };
  const calls = useWatch({ control, name: "calls" }) as IntegrationSettings["calls"];
  const dealsCreated = createsDeals({ calls } as IntegrationSettings);
  return (
    <div className="flex flex-col gap-6">
      <Section title={t("incoming")}>
        <ChoiceSelect
          {...ctx}
          name="calls.newClientAction"
          label={t("newClient.title")}
          hint={t("newClient.hint")}
          choices={NEW_CLIENT_ACTIONS.map((v) => ({ value: v, label: t(`newClient.${v}`) }))}
        />
        <ChoiceSelect
          {...ctx}
          name="calls.repeatClientAction"
          label={t("repeatClient.title")}
          hint={t("repeatClient.hint")}
          choices={REPEAT_CLIENT_ACTIONS.map((v) => ({ value: v, label: t(`repeatClient.${v}`) }))}
        />
      </Section>

      <Section title={t("stages.title")} hint={dealsCreated ? t("stages.hint") : t("stages.noDeals")}>
        {/* Kept but not applied when no deal is created (effectiveSettings drops them): shown disabled. */}
        <StageSelect
          {...ctx}
          disabled={disabled || !dealsCreated}
          name="calls.answeredStage"
          label={t("stages.answered")}
          options={options}
          allowDefault
        />
        <StageSelect
          {...ctx}
          disabled={disabled || !dealsCreated}
          name="calls.missedStage"
          label={t("stages.missed")}
          options={options}
          allowDefault
        />
      </Section>

      <Section title={t("outgoing.title")}>
        <SwitchField
          {...ctx}
          name="calls.outgoing.createContact"
          label={t("outgoing.createContact")}
          hint={t("outgoing.createContactHint")}
        />
        <Dependent control={control} on="calls.outgoing.createContact">
          <SwitchField
            {...ctx}
            name="calls.outgoing.createDeal"
            label={t("outgoing.createDeal")}
            hint={t("outgoing.createDealHint")}
          />
        </Dependent>
      </Section>

      <Section title={t("missed.title")}>
        <SwitchField
          {...ctx}
          name="calls.missedTasks.enabled"
          label={t("missed.tasks")}
          hint={t("missed.tasksHint")}
        />
        <Dependent control={control} on="calls.missedTasks.enabled">
          <UserSelect
            {...ctx}
            name="calls.missedTasks.responsibleUserId"
            label={t("missed.responsible")}
            options={options}
            noneLabel={t("missed.clientResponsible")}
          />
        </Dependent>
      </Section>

      <Section title={t("saveAll.title")}>
        <SwitchField
          {...ctx}
          name="calls.saveAllCalls.enabled"
          label={t("saveAll.label")}
          hint={t("saveAll.hint")}
        />
        <Dependent control={control} on="calls.saveAllCalls.enabled">
          <UserSelect {...ctx} name="calls.saveAllCalls.userId" label={t("saveAll.user")} options={options} />
        </Dependent>
      </Section>

      <AutoCallbackBlock {...ctx} />
    </div>
  );
}
