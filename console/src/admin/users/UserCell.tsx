import { UserLink } from './UserLink.tsx';

/** A table's "User" cell: the user's id, linking to their admin page. */
export function UserCell({ userId }: { userId: string }) {
  return (
    <td data-label="User">
      <UserLink userId={userId} />
    </td>
  );
}
