// Build step: writes dist/protocol.schema.json and dist/openapi.json beside the compiled modules.
import { readFileSync, writeFileSync } from 'node:fs';
import { protocolJsonSchema } from './json-schema.js';
import { openApiDocument } from './openapi.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
writeFileSync(new URL('./protocol.schema.json', import.meta.url), `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`);
writeFileSync(new URL('./openapi.json', import.meta.url), `${JSON.stringify(openApiDocument(version), null, 2)}\n`);
