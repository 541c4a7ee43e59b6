import type { IncomingHttpHeaders } from 'node:http';

/** What a webhook's body says, as message text; `ping` when there is nothing to post, `ignored` for an event not told. */
export type HookText = { text: string } | 'ping' | 'ignored' | 'invalid';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The text of an incoming webhook's body: `{ text }` as a generic or Slack-style sender posts it, or a GitHub event,
 * told by its `X-GitHub-Event` header, in a line people read (push and issues; a ping posts nothing).
 */
export function hookText(body: unknown, headers: IncomingHttpHeaders): HookText {
  if (!isObject(body)) return 'invalid';
  const github = headers['x-github-event'];
  if (typeof github === 'string') return githubText(github, body);
  return typeof body.text === 'string' ? { text: body.text } : 'invalid';
}

function githubText(event: string, body: Json): HookText {
  if (event === 'ping') return 'ping';
  if (event === 'push') {
    const commits = Array.isArray(body.commits) ? body.commits.filter(isObject) : [];
    const who = str(isObject(body.pusher) ? body.pusher.name : '') || str(isObject(body.sender) ? body.sender.login : '') || 'Someone';
    const branch = str(body.ref).replace(/^refs\/heads\//, '');
    const first = str(commits[0]?.message).split('\n')[0];
    const count = commits.length === 1 ? '1 commit' : `${commits.length} commits`;
    return { text: `${who} pushed ${count} to ${branch}${first ? `: ${first}` : ''}${str(body.compare) ? `\n${str(body.compare)}` : ''}` };
  }
  if (event === 'issues' && isObject(body.issue)) {
    const who = str(isObject(body.sender) ? body.sender.login : '') || 'Someone';
    const { number, title, html_url: url } = body.issue;
    return { text: `${who} ${str(body.action) || 'changed'} issue #${typeof number === 'number' ? number : '?'}: ${str(title)}${str(url) ? `\n${str(url)}` : ''}` };
  }
  return 'ignored';
}
