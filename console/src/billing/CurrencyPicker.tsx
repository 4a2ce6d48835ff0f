import { useId } from 'react';

interface CurrencyPickerProps {
  currencies: string[];
  currency: string;
  onChange: (currency: string) => void;
  disabled?: boolean;
}

/** The currency to pay in: one of the server's offered currencies. */
export function CurrencyPicker({ currencies, currency, onChange, disabled = false }: CurrencyPickerProps) {
  const id = useId();
  if (currencies.length < 2) return null;
  return (
    <div className="field currency-picker">
      <label htmlFor={id}>Currency</label>
      <select id={id} value={currency} disabled={disabled} onChange={(event) => onChange(event.target.value)} data-testid="currency-picker">
        {currencies.map((code) => (
          <option key={code} value={code}>
            {code.toUpperCase()}
            {currencyName(code)}
          </option>
        ))}
      </select>
    </div>
  );
}

function currencyName(code: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'currency' }).of(code.toUpperCase());
    return name ? ` — ${name}` : '';
  } catch {
    return '';
  }
}
