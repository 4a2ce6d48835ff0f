/** What the page shows before it knows who is signed in: the header's shape, no jump when it fills. */
export function FullPageLoading() {
  return (
    <div className="full-page-loading" role="status" aria-live="polite">
      <div className="app-header app-header--placeholder" aria-hidden="true" />
      <p className="visually-hidden">Loading Topup…</p>
    </div>
  );
}
