import { Link } from '../../router/router.tsx';

/** A user's id, linking to their admin page. */
export function UserLink({ userId }: { userId: string }) {
  return (
    <Link to={`/admin/users/${encodeURIComponent(userId)}`} className="id" title={userId}>
      {userId}
    </Link>
  );
}
