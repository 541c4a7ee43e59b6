// The protocol's validators as source: TypeBox's own generated code, one module per kind of value, so that checking
// a frame needs neither the schemas nor `new Function` (which a page's `script-src 'self'` refuses).
//
// The modules are committed under src/generated: the package builds with tsc alone, and a change to a schema shows
// in review as a change to its check. test/generated-validators.test.ts compares them with what this file makes
// and fails when they are stale; `npm run generate -w @hearth/protocol` runs it to rewrite them.
import type { TSchema } from 'typebox';
import { Build } from 'typebox/schema';
import { Envelope } from '../src/envelope.js';
import { ClientEvents } from '../src/events/client.js';
import { ServerEvents } from '../src/events/server.js';
import { FileLink, HttpError, RedeemInviteResponse, SignInLinkStatus, UploadedFile } from '../src/http.js';
import { tolerant } from '../src/tolerant.js';

/** A named export: one schema's check, or a table of checks keyed by event type. */
type Export = { doc: string; name: string; type: string } & ({ schema: TSchema } | { table: Record<string, TSchema> });

interface Module {
  source: string;
  /** Type-only imports of the exports' declared types. */
  types: string[];
  exports: Export[];
}

const tolerantAll = (events: Record<string, TSchema>) =>
  Object.fromEntries(Object.entries(events).map(([type, schema]) => [type, tolerant(schema)]));

const modules: Record<string, Module> = {
  'envelope.ts': {
    source: 'src/envelope.ts',
    types: [`import type { Envelope } from '../envelope.js';`],
    exports: [
      { doc: 'Whether a value is a frame: `{ type: string, payload: object, id?: string }`.', name: 'isEnvelope', type: '(value: unknown) => value is Envelope', schema: Envelope },
    ],
  },
  'server-events.ts': {
    source: 'src/events/server.ts',
    types: [`import type { ServerEventType } from '../events/server.js';`],
    exports: [
      {
        doc: 'Each server event’s check, accepting fields the protocol does not declare, as a client must (see `tolerant`).',
        name: 'tolerantServerEventChecks',
        type: 'Readonly<Record<ServerEventType, (value: unknown) => boolean>>',
        table: tolerantAll(ServerEvents),
      },
    ],
  },
  // Apart, so that a bundle for browsers, where strict parsing has no use, can leave it out (see parse/strict.ts).
  'strict-server-events.ts': {
    source: 'src/events/server.ts',
    types: [`import type { ServerEventType } from '../events/server.js';`],
    exports: [
      {
        doc: 'Each server event’s check as declared, refusing undeclared fields: for tests of a server’s own output.',
        name: 'strictServerEventChecks',
        type: 'Readonly<Record<ServerEventType, (value: unknown) => boolean>>',
        table: ServerEvents,
      },
    ],
  },
  'client-events.ts': {
    source: 'src/events/client.ts',
    types: [`import type { ClientEventType } from '../events/client.js';`],
    exports: [
      {
        doc: 'Each client event’s check, as declared: the server refuses what its schema does not allow.',
        name: 'clientEventChecks',
        type: 'Readonly<Record<ClientEventType, (value: unknown) => boolean>>',
        table: ClientEvents,
      },
    ],
  },
  'http.ts': {
    source: 'src/http.ts',
    types: [`import type { FileLink, HttpError, RedeemInviteResponse, SignInLinkStatus, UploadedFile } from '../http.js';`],
    exports: [
      {
        doc: 'Whether a body is a redeemed invite, accepting fields the protocol does not declare.',
        name: 'isRedeemInviteResponse',
        type: '(value: unknown) => value is RedeemInviteResponse',
        schema: tolerant(RedeemInviteResponse),
      },
      {
        doc: 'Whether a body is an HTTP error, accepting codes and fields the protocol does not declare.',
        name: 'isHttpError',
        type: '(value: unknown) => value is HttpError',
        schema: tolerant(HttpError),
      },
      {
        doc: 'Whether a body tells whom a sign-in link signs in as, accepting fields the protocol does not declare.',
        name: 'isSignInLinkStatus',
        type: '(value: unknown) => value is SignInLinkStatus',
        schema: tolerant(SignInLinkStatus),
      },
      {
        doc: 'Whether a body is an uploaded file, accepting fields the protocol does not declare.',
        name: 'isUploadedFile',
        type: '(value: unknown) => value is UploadedFile',
        schema: tolerant(UploadedFile),
      },
      {
        doc: 'Whether a body is a signed file link, accepting fields the protocol does not declare.',
        name: 'isFileLink',
        type: '(value: unknown) => value is FileLink',
        schema: tolerant(FileLink),
      },
    ],
  },
};

/** Every generated module's text, keyed by its file name in src/generated. */
export function validatorModules(): Record<string, string> {
  return Object.fromEntries(Object.entries(modules).map(([name, module]) => [name, moduleText(module)]));
}

function moduleText({ source, types, exports }: Module): string {
  const body = exports.map(exportText).join('\n\n');
  const runtime = [
    ...(body.includes('Guard.') ? [`import { Guard } from 'typebox/guard';`] : []),
    ...(body.includes('Hashing.') ? [`import { Hashing } from 'typebox/system';`] : []),
  ];
  return [
    '// @ts-nocheck',
    '// The checks are TypeBox’s generated JavaScript; the declared types of the exports are what callers see.',
    `// Generated from ${source} by scripts/validators.ts. Do not edit: run \`npm run generate -w @hearth/protocol\`.`,
    ...runtime,
    ...types,
    '',
    body,
    '',
  ].join('\n');
}

function exportText(declared: Export): string {
  const value =
    'schema' in declared
      ? checkCode(declared.schema, '')
      : `{\n${Object.entries(declared.table).map(([key, schema]) => `  ${key}: ${checkCode(schema, '  ')},`).join('\n')}\n}`;
  return `/** ${declared.doc} */\nexport const ${declared.name}: ${declared.type} = ${value};`;
}

/**
 * One schema's check as an expression: TypeBox's functions for it, closed over the constants they use (the
 * patterns of allowed field names), so checks built from different schemas share one module without clashing.
 */
function checkCode(schema: TSchema, indent: string): string {
  const build = Build(schema);
  if (build.UseUnevaluated()) throw new Error('A schema with unevaluated properties needs TypeBox at run time');
  const { identifier, variables } = build.External();
  const lines = [
    ...(variables.length > 0 ? [`const ${identifier} = [${variables.map(literal).join(', ')}];`] : []),
    ...build.Functions().map((f) => `${f};`),
    `return (value) => ${build.Entry()};`,
  ];
  return `/* @__PURE__ */ (() => {\n${lines.map((line) => `${indent}  ${line}`).join('\n')}\n${indent}})()`;
}

/** A constant of a check as source. Formats and refinements are functions, which cannot be written out. */
function literal(value: unknown): string {
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'function' || value === undefined) {
    throw new Error('A schema with a format or a refinement needs TypeBox at run time');
  }
  return JSON.stringify(value);
}
