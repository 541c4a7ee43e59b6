/**
 * No strict checks in a browser bundle (see strict.ts): there `parseServerEvent(text, { strict: true })` refuses
 * every frame as `unknown_type`.
 */
export const strictChecks: ReadonlyMap<string, (value: unknown) => boolean> = new Map();
