/**
 * The page cursor of GET /api/v1/accounts: opaque to the partner, the base64url of a version
 * tag and the last lower-cased user name of the page. Anything else is refused (422), never
 * read as "from the start".
 */
const TAG = 'k1:';
const MAX_CURSOR_LENGTH = 400;

export function encodeCursor(lastUsernameKey: string): string {
  return Buffer.from(`${TAG}${lastUsernameKey}`, 'utf8').toString('base64url');
}

/** The user name key to continue after; undefined when the text is no cursor of ours. */
export function decodeCursor(cursor: string): string | undefined {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Round trip: rejects texts Buffer decoded leniently (bad padding bits, invalid UTF-8).
  if (!text.startsWith(TAG) || encodeCursor(text.slice(TAG.length)) !== cursor) return undefined;
  const key = text.slice(TAG.length);
  return key === '' ? undefined : key;
}
