/**
 * Placeholder rows shaped like the content they stand for, so the page does not jump when the data
 * arrives. Announced once as "Loading…".
 */
export function LoadingRows({ rows = 5, label = 'Loading…' }: { rows?: number; label?: string }) {
  return (
    <div className="loading-rows" role="status" aria-live="polite">
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className="skeleton skeleton--row" aria-hidden="true" />
      ))}
    </div>
  );
}
