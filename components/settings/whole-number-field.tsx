"use client";

import { useId, useState } from "react";
import { Controller } from "react-hook-form";
import { Input } from "@/components/ui/input";
import { FieldFrame, type FormControl, useFieldError } from "./fields";

type Props = { control: FormControl; disabled: boolean };

/**
 * A whole number typed as text: the form holds what the schema judges (an integer, null when empty, NaN or
 * a fraction otherwise), so anything but a whole number ≥ 0 is refused with the schema's own words.
 */
export function WholeNumberField({
  control,
  disabled,
  name,
  label,
  hint,
  nullable,
  placeholder,
  testId,
}: Props & {
  name: "calls.autoCallback.ratePerMinute" | "calls.autoCallback.cooldownMinutes";
  label: string;
  hint?: string;
  nullable: boolean;
  placeholder?: string;
  testId: string;
}) {
  const id = useId();
  const error = useFieldError(control, name);
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <WholeNumberInput
          id={id}
          label={label}
          hint={hint}
          error={error}
          disabled={disabled}
          value={field.value as number | null}
          nullable={nullable}
          placeholder={placeholder}
          testId={testId}
          onBlur={field.onBlur}
          onChange={field.onChange}
        />
      )}
    />
  );
}

function WholeNumberInput(props: {
  id: string;
  label: string;
  hint?: string;
  error: string | null;
  disabled: boolean;
  value: number | null;
  nullable: boolean;
  placeholder?: string;
  testId: string;
  onBlur: () => void;
  onChange: (v: number | null) => void;
}) {
  const [text, setText] = useState(
    props.value === null || Number.isNaN(props.value) ? "" : String(props.value),
  );
  const parse = (raw: string): number | null => {
    const v = raw.trim();
    if (v === "") return props.nullable ? null : Number.NaN;
    // "1,5" is a fraction, as the schema says; "abc" is no number at all.
    return /^[-+]?\d+([.,]\d+)?$/.test(v) ? Number(v.replace(",", ".")) : Number.NaN;
  };
  return (
    <FieldFrame id={props.id} label={props.label} hint={props.hint} error={props.error}>
      <Input
        id={props.id}
        inputMode="numeric"
        value={text}
        disabled={props.disabled}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        data-testid={props.testId}
        className="max-w-40"
        onBlur={props.onBlur}
        onChange={(e) => {
          setText(e.target.value);
          props.onChange(parse(e.target.value));
        }}
      />
    </FieldFrame>
  );
}
