import { useEffect, useState } from 'react';

/** `value`, once it has stopped changing for `delayMilliseconds` (typing into a search or amount). */
export function useDebouncedValue<T>(value: T, delayMilliseconds: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMilliseconds);
    return () => clearTimeout(timer);
  }, [value, delayMilliseconds]);
  return debounced;
}
