// @ts-nocheck
// The checks are TypeBox’s generated JavaScript; the declared types of the exports are what callers see.
// Generated from src/envelope.ts by scripts/validators.ts. Do not edit: run `npm run generate -w @hearth/protocol`.
import { Guard } from 'typebox/guard';
import type { Envelope } from '../envelope.js';

/** Whether a value is a frame: `{ type: string, payload: object, id?: string }`. */
export const isEnvelope: (value: unknown) => value is Envelope = /* @__PURE__ */ (() => {
  const check_0 = ((value) => ((typeof value === "object" && value !== null && !(Array.isArray(value))) && (("type" in value && "payload" in value) && ((typeof value.type === "string" && ((typeof value.payload === "object" && value.payload !== null && !(Array.isArray(value.payload))) && true)) && (value.id === undefined || (!("id" in value) || (typeof value.id === "string" && ((value.id.length >= 2 || (value.id.length >= 1 && Guard.CodePointCount(value.id) >= 1)) && (value.id.length <= 64 || (value.id.length <= 128 && Guard.CodePointCount(value.id) <= 64))))))))));
  return (value) => check_0(value);
})();
