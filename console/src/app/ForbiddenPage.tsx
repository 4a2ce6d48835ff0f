import { PageHeading } from '../components/PageHeading.tsx';
import { Link } from '../router/router.tsx';

/** An admin page opened by someone the server does not know as an admin. */
export function ForbiddenPage() {
  return (
    <>
      <PageHeading title="Admins only" />
      <p>This page is for admins. If you should have access, ask an admin to add your user id.</p>
      <p>
        <Link to="/billing">Go to billing</Link>
      </p>
    </>
  );
}
