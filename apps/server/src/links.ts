import { hookPath, JOIN_PATH, SIGN_IN_PATH } from '@hearth/protocol';
import type { Config } from './config.js';

/** The links the server hands out, on its public address: known from the options, or once the server listens. */
export class Links {
  constructor(public base = '') {}

  /** The link that opens the web app's join page for an invite. */
  invite(code: string): string {
    return `${this.base}${JOIN_PATH}${code}`;
  }

  /** The link that signs a device in with a sign-in link's code. */
  signIn(code: string): string {
    return `${this.base}${SIGN_IN_PATH}${code}`;
  }

  /** An incoming webhook's URL. */
  hook(token: string): string {
    return `${this.base}${hookPath(token)}`;
  }
}

/** The public address: `--public-url`, or this machine on the port. */
export function publicBase(config: Pick<Config, 'publicUrl'>, port: number): string {
  return (config.publicUrl || `http://localhost:${port}`).replace(/\/+$/, '');
}
