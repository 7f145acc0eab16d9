/**
 * Prices are integers in the currency's minor units on the wire (product service: 1999 EUR is
 * 19.99 EUR, never a float). Users see and type decimals; the currency's own number of fraction
 * digits (ICU: 2 for EUR, 0 for JPY, 3 for KWD) converts between the two.
 */

/** Fraction digits when the currency is unknown or not valid yet (a form being typed). */
const DEFAULT_DIGITS = 2;

/** @example fractionDigits('JPY') // 0 */
export function fractionDigits(currency: unknown): number {
  if (typeof currency !== 'string' || currency.trim() === '') return DEFAULT_DIGITS;
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency: currency.trim() }).resolvedOptions().maximumFractionDigits ??
      DEFAULT_DIGITS
    );
  } catch {
    return DEFAULT_DIGITS; // not an ISO 4217 code (the server says so on the currency field)
  }
}

/** Minor units as the decimal a user types. @example toDecimal(1999, 'EUR') // '19.99' */
export function toDecimal(minor: unknown, currency: unknown): string {
  if (typeof minor !== 'number' || !Number.isFinite(minor)) return '';
  const digits = fractionDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

/**
 * A typed decimal as minor units; text that is no amount is returned unchanged, so the server's
 * validation message (not a silent zero) reaches the field.
 * @example fromDecimal('19.99', 'EUR') // 1999
 */
export function fromDecimal(text: string, currency: unknown): number | string | undefined {
  const s = text.trim().replace(',', '.');
  if (s === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(s)) return text;
  return Math.round(Number(s) * 10 ** fractionDigits(currency));
}

/** Minor units for reading. @example formatMoney(1999, 'EUR') // '€19.99' (in the user's locale) */
export function formatMoney(minor: unknown, currency: unknown): string {
  if (typeof minor !== 'number') return '';
  const code = typeof currency === 'string' ? currency : '';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: code }).format(minor / 10 ** fractionDigits(code));
  } catch {
    return `${toDecimal(minor, code)} ${code}`.trim();
  }
}
