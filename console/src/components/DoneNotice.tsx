/** What the last successful send of a form said (`useConfirmForm`'s `done`), announced politely; nothing before it. */
export function DoneNotice({ done }: { done: string | null }) {
  if (!done) return null;
  return (
    <p className="notice notice--success" role="status">
      {done}
    </p>
  );
}
