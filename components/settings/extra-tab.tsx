"use client";

import { useTranslations } from "next-intl";
import { Dependent, type FormControl, Section, type SettingsOptions, SwitchField } from "./fields";
import { StageSelect } from "./pickers";

type Props = { control: FormControl; disabled: boolean; options: SettingsOptions };

/** "Дополнительно" → "Интеграция с Контакт-центром" and its dependent options (reference §2.4, §2.5, §2.8). */
export function ExtraTab({ control, disabled, options }: Props) {
  const t = useTranslations("integrationSettings.extra.cc");
  const ctx = { control, disabled };
  return (
    <div className="flex flex-col gap-6">
      <Section title={t("title")} hint={t("hint")}>
        <SwitchField {...ctx} name="extra.contactCenter.enabled" label={t("enabled")} />
        <Dependent control={control} on="extra.contactCenter.enabled">
          <SwitchField
            {...ctx}
            name="extra.contactCenter.dpTasks.enabled"
            label={t("dpTasks")}
            hint={t("dpTasksHint")}
          />
          <Dependent control={control} on="extra.contactCenter.dpTasks.enabled">
            <SwitchField {...ctx} name="extra.contactCenter.dpTasks.openDealInNewTab" label={t("openDeal")} />
          </Dependent>
          <SwitchField
            {...ctx}
            name="extra.contactCenter.saveTopics.enabled"
            label={t("saveTopics")}
            hint={t("saveTopicsHint")}
          />
          <Dependent control={control} on="extra.contactCenter.saveTopics.enabled">
            <StageSelect
              {...ctx}
              name="extra.contactCenter.saveTopics.stageIfDeal"
              label={t("stageIfDeal")}
              hint={t("stageIfDealHint")}
              options={options}
              allowDefault={false}
            />
            <StageSelect
              {...ctx}
              name="extra.contactCenter.saveTopics.stageIfNoDeal"
              label={t("stageIfNoDeal")}
              hint={t("stageIfNoDealHint")}
              options={options}
              allowDefault={false}
            />
            <SwitchField
              {...ctx}
              name="extra.contactCenter.saveTopics.intoOpenDeal"
              label={t("intoOpenDeal")}
              hint={t("intoOpenDealHint")}
            />
            <SwitchField
              {...ctx}
              name="extra.contactCenter.saveTopics.topicsField"
              label={t("topicsField")}
              hint={t("topicsFieldHint")}
            />
          </Dependent>
        </Dependent>
      </Section>
    </div>
  );
}
