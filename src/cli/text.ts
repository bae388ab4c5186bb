// Text for the terminal.

/**
 * A message as one line of plain text: line breaks and other control characters that came from the
 * user's input (a quoted value, a key, a trace cell) are shown escaped, so a message stays one line and
 * cannot move the cursor or clear the terminal.
 */
export function printable(msg: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return msg.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
