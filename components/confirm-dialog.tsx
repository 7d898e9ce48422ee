"use client";

import { LoaderCircle } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";

/**
 * A destructive action asked about first («Отключить АТС», «Очистить» the callback queue): the trigger opens
 * it; while the action runs it cannot be closed and both buttons wait; a refusal is shown in it and it stays
 * open. The caller owns `open` (it closes the dialog once the action succeeded).
 */
export function ConfirmDialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  trigger: ReactNode;
  title: string;
  description: string;
  cancelLabel: string;
  confirmLabel: string;
  pending: boolean;
  error: string | null;
  onConfirm: () => void;
  testId: string;
}) {
  const { pending } = props;
  return (
    <Dialog open={props.open} onOpenChange={(v) => (pending ? null : props.onOpenChange(v))}>
      <DialogTrigger asChild>{props.trigger}</DialogTrigger>
      <DialogContent closeLabel={props.cancelLabel} data-testid={`${props.testId}-dialog`}>
        <DialogHeader>
          <DialogTitle>{props.title}</DialogTitle>
          <DialogDescription>{props.description}</DialogDescription>
        </DialogHeader>
        {props.error ? (
          <p role="alert" className="text-sm text-destructive">
            {props.error}
          </p>
        ) : null}
        <div className="flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button type="button" variant="ghost" disabled={pending}>
              {props.cancelLabel}
            </Button>
          </DialogClose>
          <Button
            type="button"
            variant="destructive"
            disabled={pending}
            onClick={props.onConfirm}
            data-testid={`${props.testId}-confirm`}
          >
            {pending ? <LoaderCircle className="animate-spin" /> : null}
            {props.confirmLabel}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
