import { useId } from 'react';
import type { ReactNode } from 'react';

/** A card of a page with its heading, which names the section for screen readers. */
export function CardSection({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
