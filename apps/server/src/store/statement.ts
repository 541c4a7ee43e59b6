/**
 * A statement written once: SQL with `$1`, `$2`… for its values, which both dialects read. The name identifies it
 * where a dialect prepares statements once and runs them by name.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
  /**
   * Its values are columns, one array each, and it stores (and returns) one row per index. A dialect that cannot
   * bind arrays runs `text` once per row, with that row's values.
   */
  readonly bulk?: true;
}

export const statement = (name: string, text: string): Statement => ({ name, text });
