import { useEffect, useRef, useState } from 'react';
import type { FormEvent, RefObject } from 'react';
import { newIdempotencyKey } from './newIdempotencyKey.ts';

/**
 * A form's input as checked on this render: what the confirmation shows and sends, or why it cannot
 * go on. `fields` names, per field (e.g. `credits`, `reason`), what is wrong with it, shown under
 * that field; `message` says it all in one sentence, for a form without per-field errors.
 */
export type Checked<Value extends object> = ({ ok: true } & Value) | { ok: false; message: string; fields?: FieldProblems };

/** What is wrong with each field, by the form's own field names; absent: nothing. */
export type FieldProblems = Partial<Record<string, string>>;

interface ConfirmFormOptions<Value extends object> {
  checked: Checked<Value>;
  /**
   * Sends the confirmed input with this confirmation's idempotency key; resolves to what to tell
   * the admin. A rejection is shown above the buttons, and sending again reuses the key.
   */
  send: (value: { ok: true } & Value, idempotencyKey: string) => Promise<string>;
  /** After a successful send, e.g. to empty the form. */
  onSent?: () => void;
}

export interface ConfirmForm {
  step: 'edit' | 'confirm';
  /** Why the input cannot go on to the confirmation, after "Review"; `null` when nothing. */
  problem: string | null;
  /** The same per field, after "Review" (each shown under its field); empty when nothing. */
  fieldProblems: FieldProblems;
  /** While the confirmed input is on its way. */
  sending: boolean;
  /** Why the last send failed; `null` when it did not. */
  sendError: unknown;
  /** What the last successful send said, until the admin reviews again. */
  done: string | null;
  /** Focused when the confirmation appears, if the form gives it to its confirmation heading. */
  confirmHeadingRef: RefObject<HTMLHeadingElement | null>;
  /** The first step's submit: checks the input, and goes on to the confirmation when it is fine. */
  review: (event: FormEvent) => void;
  confirm: () => void;
  back: () => void;
}

/**
 * The two steps of a form that moves credits (Adjust, Refund): fill in and review, then confirm.
 * The idempotency key is made when the admin reaches the confirmation, and reused for every send
 * of that confirmation: a double click, or a retry after a network error, cannot move the credits
 * twice. Going back to edit makes a new key.
 */
export function useConfirmForm<Value extends object>({ checked, send, onSent }: ConfirmFormOptions<Value>): ConfirmForm {
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [idempotencyKey, setIdempotencyKey] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [fieldProblems, setFieldProblems] = useState<FieldProblems>({});
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const inFlight = useRef(false);
  const confirmHeadingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (step === 'confirm') confirmHeadingRef.current?.focus();
  }, [step]);

  const review = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    setSendError(null);
    if (!checked.ok) {
      setProblem(checked.message);
      setFieldProblems(checked.fields ?? {});
      return;
    }
    setProblem(null);
    setFieldProblems({});
    setIdempotencyKey(newIdempotencyKey());
    setStep('confirm');
  };

  const confirm = async () => {
    if (inFlight.current || !checked.ok || !idempotencyKey) return;
    inFlight.current = true;
    setSending(true);
    setSendError(null);
    try {
      setDone(await send(checked, idempotencyKey));
      setIdempotencyKey(null);
      setStep('edit');
      onSent?.();
    } catch (error) {
      // The key is kept: sending again is the same submission.
      setSendError(error);
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  };

  const back = () => {
    setStep('edit');
    setIdempotencyKey(null);
    setSendError(null);
  };

  return { step, problem, fieldProblems, sending, sendError, done, confirmHeadingRef, review, confirm: () => void confirm(), back };
}
