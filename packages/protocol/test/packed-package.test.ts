import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

// npm sets npm_* variables for scripts it runs; they would make the inner npm act on this workspace.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));

/** Runs a command; a failure reports what the command printed (tsc prints its errors to stdout). */
async function sh(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, env, timeout: 400_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

const consumer = `
import {
  CHANGE_EVENT_TYPES,
  CloseCode,
  ErrorCode as Codes,
  FATAL_CLOSE_CODES,
  MAX_CONTENT_LENGTH,
  PROTOCOL_VERSION,
  clientEvent,
  parseClientEvent,
  parseServerEvent,
  serverEvent,
  type ChangeEventType,
  type ClientEventOf,
  type ErrorCode,
  type Message,
  type ServerEvent,
  type ServerPayload,
} from '@hearth/protocol';
import schema from '@hearth/protocol/schema.json' with { type: 'json' };

function describeEvent(event: ServerEvent): string {
  switch (event.type) {
    case 'auth_ok': return 'auth_ok ' + event.payload.user.nickname + ' cursor ' + event.payload.cursor + ' v' + (event.payload.protocol_version ?? 1);
    case 'auth_error': return 'auth_error ' + event.payload.code;
    case 'message': return 'message ' + event.payload.id + ' ' + event.payload.content + ' seq ' + event.seq + ' prev ' + event.prev + ' ' + event.stream;
    case 'message_updated': return 'message_updated ' + event.payload.message.id + ' ' + (event.payload.message.reactions ?? []).map((r) => r.emoji).join('');
    case 'user_online': return 'user_online ' + event.payload.user.id;
    case 'user_offline': return 'user_offline ' + event.payload.user_id;
    case 'conversation_created': return 'conversation_created ' + event.payload.conversation.type;
    case 'user_joined': return 'user_joined ' + event.payload.user.nickname + ' ' + event.stream;
    case 'history': return 'history ' + event.payload.messages.length;
    case 'caught_up': return 'caught_up ' + event.payload.changes.map((c) => c.type + '@' + c.seq).join(',') + ' ' + event.payload.has_more + ' ' + event.payload.cursor;
    case 'invite_created': return 'invite_created ' + event.payload.url;
    case 'error': return 'error ' + event.payload.code;
    case 'pong': return 'pong';
    case 'user_typing': return 'user_typing ' + event.payload.user_id;
    case 'user_updated': return 'user_updated ' + event.payload.user.nickname;
    case 'push_updated': return 'push_updated ' + event.payload.subscribed;
    case 'member_state_updated': return 'member_state_updated ' + event.payload.state.unread + ' ' + event.stream;
    case 'search_results': return 'search_results ' + event.payload.query + ' ' + event.payload.messages.length;
    case 'conversation_updated': return 'conversation_updated ' + event.payload.conversation.members.length;
    case 'sessions': return 'sessions ' + event.payload.sessions.length;
    case 'sign_in_link': return 'sign_in_link ' + event.payload.url;
    case 'bot_key': return 'bot_key ' + event.payload.user.nickname;
    case 'webhook_created': return 'webhook_created ' + event.payload.webhook.id;
    case 'webhooks': return 'webhooks ' + event.payload.webhooks.length;
    case 'bot_endpoint': return 'bot_endpoint ' + event.payload.url;
    case 'members': return 'members ' + event.payload.members.length;
    case 'invites': return 'invites ' + event.payload.invites.length + ' ' + event.payload.policy;
    case 'invite_policy_updated': return 'invite_policy_updated ' + event.payload.policy;
    case 'users': return 'users ' + event.payload.users.length + ' ' + event.payload.has_more;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

const sent = parseClientEvent('{"type":"send_message","payload":{"conversation_id":1,"content":"  hi  ","client_id":"c"},"id":"r1"}');
if (sent.ok && sent.event.type === 'send_message') {
  const event: ClientEventOf<'send_message'> = sent.event;
  console.log('client ' + event.type + ' ' + JSON.stringify(event.payload.content) + ' ' + event.id);
}

const refused = parseClientEvent('not json');
const code: ErrorCode | undefined = refused.ok ? undefined : refused.error.code;
console.log('refused ' + code);

const message: Message = { id: 7, conversation_id: 1, user_id: 2, content: 'hello', client_id: 'c', created_at: 0 };
const payload: ServerPayload<'history'> = { conversation_id: 1, messages: [message], has_more: false };
const live = { ...serverEvent('message', message, 'r2'), seq: 9, prev: 4, stream: 'c1' };
const joined = { ...serverEvent('user_joined', { user: { id: 3, nickname: 'Dana' } }), seq: 10, prev: 0, stream: 'all' };
const page = serverEvent('caught_up', { changes: [live, joined], has_more: false, cursor: 10 });
const welcome = serverEvent('auth_ok', { user: { id: 2, nickname: 'Bob' }, conversations: [], online_users: [], users: [], last_message_id: 7, cursor: 10, protocol_version: PROTOCOL_VERSION });
for (const built of [welcome, live, joined, serverEvent('history', payload), page, serverEvent('user_offline', { user_id: 2 })]) {
  const parsed = parseServerEvent(JSON.stringify(built), { strict: true });
  console.log(parsed.ok ? describeEvent(parsed.event) : 'server refused ' + parsed.error.code);
}

// A newer server's frame: an undeclared field is kept, an unknown type is skipped, not treated as broken.
const grown = parseServerEvent('{"type":"user_online","payload":{"user":{"id":4,"nickname":"Eve","avatar":"e.png"}},"trace":"t"}');
if (grown.ok && grown.event.type === 'user_online') console.log(describeEvent(grown.event) + ' kept ' + JSON.stringify(grown.event.payload.user));
else console.log('grown frame refused');
const strict = parseServerEvent('{"type":"pong","payload":{"at":1}}', { strict: true });
console.log('strict ' + (strict.ok ? 'accepted' : strict.error.code + ' ' + strict.error.path));
const newer = parseServerEvent('{"type":"message_pinned","payload":{},"seq":11,"prev":9,"stream":"c1"}');
console.log('newer ' + (!newer.ok && newer.error.code === Codes.UnknownType ? 'skipped' : 'not skipped'));

const changeType: ChangeEventType = CHANGE_EVENT_TYPES[0];
// @ts-expect-error user_offline carries one user_id, not a list
serverEvent('user_offline', { user_ids: [2] });
// @ts-expect-error user_online carries one user, not a list
serverEvent('user_online', { users: [{ id: 2, nickname: 'Bob' }] });
// @ts-expect-error caught_up carries changes and a cursor, not messages
serverEvent('caught_up', { messages: [message], has_more: false });
// @ts-expect-error presence is not a change
const presence: ChangeEventType = 'user_online';
console.log('changes ' + CHANGE_EVENT_TYPES.join(',') + ' ' + changeType + ' ' + String(presence));
console.log('ping ' + JSON.stringify(clientEvent('ping', {}, 'p')));
console.log('limits ' + MAX_CONTENT_LENGTH + ' ' + FATAL_CLOSE_CODES.includes(CloseCode.AuthFailed) + ' v' + PROTOCOL_VERSION);
console.log('schema ' + ('ServerEvent' in schema.$defs));
`;

const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: [],
    strict: true,
    resolveJsonModule: true,
    outDir: 'out',
  },
  include: ['consumer.ts'],
};

describe('the packed package', () => {
  const work = mkdtemp(join(tmpdir(), 'hearth-protocol-pack-'));
  afterAll(async () => rm(await work, { recursive: true, force: true }));

  it('installs from its tarball and type-checks and runs in a strict NodeNext project', { timeout: 600_000 }, async () => {
    expect(existsSync(join(packageDir, 'dist/index.js')), 'dist/ is missing: build the package first').toBe(true);
    const dir = await work;

    const [packed] = JSON.parse(await sh('npm', ['pack', '--json', '--pack-destination', dir], packageDir)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/protocol.schema.json']));
    expect(files.filter((f) => !f.startsWith('dist/') && f !== 'package.json' && f !== 'README.md')).toEqual([]);

    const project = join(dir, 'consumer');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    await writeFile(join(project, 'consumer.ts'), consumer);
    await sh('npm', ['install', '--no-audit', '--no-fund', join(dir, packed!.filename), 'typescript@5.9.3'], project);

    await sh(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', project], project);
    const output = await sh(process.execPath, ['--no-warnings', join(project, 'out/consumer.js')], project);
    expect(output.trim().split('\n')).toEqual([
      'client send_message "hi" r1',
      'refused invalid_json',
      'auth_ok Bob cursor 10 v2',
      'message 7 hello seq 9 prev 4 c1',
      'user_joined Dana all',
      'history 1',
      'caught_up message@9,user_joined@10 false 10',
      'user_offline 2',
      'user_online 4 kept {"id":4,"nickname":"Eve","avatar":"e.png"}',
      'strict invalid_payload /payload',
      'newer skipped',
      'changes message,message_updated,conversation_created,user_joined,member_state_updated,user_updated,conversation_updated message user_online',
      'ping {"type":"ping","payload":{},"id":"p"}',
      'limits 4000 true v2',
      'schema true',
    ]);
  });
});
