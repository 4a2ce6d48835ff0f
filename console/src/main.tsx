import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { DevAuthRoot } from './auth/DevAuthRoot.tsx';
import { FullPageLoading } from './components/FullPageLoading.tsx';
import './styles.css';

const clerkPublishableKey = import.meta.env.VITE_CLERK_PUBLISHABLE_KEY;

// Clerk is loaded only when configured, and after the first paint: a development build never
// contains it (the key is replaced at build time, so this import is dropped), and a Clerk build
// keeps it out of the initial JavaScript.
const ClerkRoot = clerkPublishableKey ? lazy(() => import('./auth/clerk/ClerkRoot.tsx')) : null;

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    {ClerkRoot && clerkPublishableKey ? (
      <Suspense fallback={<FullPageLoading />}>
        <ClerkRoot publishableKey={clerkPublishableKey} />
      </Suspense>
    ) : (
      <DevAuthRoot />
    )}
  </StrictMode>,
);
