// Build step: writes dist/protocol.schema.json beside the compiled modules.
import { writeFileSync } from 'node:fs';
import { protocolJsonSchema } from './json-schema.js';

writeFileSync(new URL('./protocol.schema.json', import.meta.url), `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`);
