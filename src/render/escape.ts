/**
 * Values from logs (feature, user, model names, error types) are untrusted: a feature named "\x1b]0;pwned\x07"
 * must not retitle the terminal, and a user "=HYPERLINK(...)" must not become a spreadsheet formula.
 */

// C0/C1 controls, DEL, bidi overrides and isolates, zero-width characters and the BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Control and invisible characters become visible escapes (\x1b, \u202e). */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * One CSV cell (RFC 4180): control characters escaped as in tables (a CSV is often `cat`ed to a terminal), quoted
 * when needed, and text starting with = + - @ prefixed with ' so no spreadsheet formula runs.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let text = escapeForTerminal(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One Markdown table cell: escaped for the terminal and the table syntax. */
export function markdownCell(text: string): string {
  return escapeForTerminal(text).replace(/[|\\`*_<>[\]]/g, (char) => `\\${char}`);
}
