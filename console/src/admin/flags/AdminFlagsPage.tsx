import { PageHeading } from '../../components/PageHeading.tsx';
import { FlaggedPurchasesSection } from './FlaggedPurchasesSection.tsx';
import { UsersInDebtSection } from './UsersInDebtSection.tsx';

/** Admin: what needs a person: purchases that did not add up, and users who owe credits. */
export default function AdminFlagsPage() {
  return (
    <>
      <PageHeading title="Flags" />
      <FlaggedPurchasesSection />
      <UsersInDebtSection />
    </>
  );
}
