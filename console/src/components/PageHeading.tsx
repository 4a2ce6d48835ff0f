import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { hasNavigated } from '../router/router.tsx';

interface PageHeadingProps {
  title: string;
  /** Shown after the title, e.g. a user's id; the document title uses `title` only. */
  children?: ReactNode;
}

/**
 * The page's `<h1>`. It names the browser tab, and after an in-app navigation it takes the focus,
 * so a screen reader announces the new page and the keyboard starts from its top.
 */
export function PageHeading({ title, children }: PageHeadingProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Topup`;
    if (hasNavigated()) headingRef.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={headingRef} tabIndex={-1} className="page-heading">
      {title}
      {children}
    </h1>
  );
}
