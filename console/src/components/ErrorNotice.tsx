import { describeError } from '../errors/describeError.ts';

interface ErrorNoticeProps {
  error: unknown;
  /** Offers a "Try again" button when given. */
  onRetry?: () => void;
  /** Replaces the message `describeError` would pick. */
  message?: string;
}

/** An error in plain words, announced to screen readers, with a way to try again. */
export function ErrorNotice({ error, onRetry, message }: ErrorNoticeProps) {
  return (
    <div className="notice notice--error" role="alert">
      <p>{message ?? describeError(error)}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
