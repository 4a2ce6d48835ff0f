/**
 * What the page shows before it knows who is signed in: the header's shape (no jump when it
 * fills) and "Loading Topup…" in plain sight, so a slow server never shows a blank screen.
 * index.html has the same words in #root, for the moments before this JavaScript has arrived.
 */
export function FullPageLoading() {
  return (
    <div className="full-page-loading" role="status" aria-live="polite">
      <div className="app-header app-header--placeholder" aria-hidden="true" />
      <p className="full-page-loading__text">Loading Topup…</p>
    </div>
  );
}
