/**
 * Quotes one word for POSIX shells: plain words stay bare, anything else is single-quoted, so the shell reads
 * back exactly this one word (launch-script arguments, and each word of a command line ssh hands to the remote shell).
 */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
