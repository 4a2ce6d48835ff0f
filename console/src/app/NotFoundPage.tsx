import { PageHeading } from '../components/PageHeading.tsx';
import { Link } from '../router/router.tsx';

export function NotFoundPage() {
  return (
    <>
      <PageHeading title="Page not found" />
      <p>There is no page at this address.</p>
      <p>
        <Link to="/billing">Go to billing</Link>
      </p>
    </>
  );
}
