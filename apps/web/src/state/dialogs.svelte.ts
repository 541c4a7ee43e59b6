import { SvelteSet } from 'svelte/reactivity';

/** The chat's own dialogs, and what each is opened with (nothing yet: each acts on the signed-in person). */
export interface DialogArguments {
  invite: undefined;
  group: undefined;
  profile: undefined;
  signOut: undefined;
  devices: undefined;
  admin: undefined;
}

export type DialogName = keyof DialogArguments;

/** Which of the chat's dialogs is open, if any, and what it was opened with. One at a time: each is modal. */
export class Dialogs {
  open = $state.raw<{ [K in DialogName]: { name: K; argument: DialogArguments[K] } }[DialogName] | null>(null);
  /** Dialogs opened at least once: their code has been fetched, and they stay mounted so closing can return focus. */
  readonly used = new SvelteSet<DialogName>();

  show<K extends DialogName>(name: K, ...[argument]: DialogArguments[K] extends undefined ? [] : [DialogArguments[K]]): void {
    this.used.add(name);
    this.open = { name, argument } as typeof this.open;
  }

  isOpen(name: DialogName): boolean {
    return this.open?.name === name;
  }

  /** A dialog closed itself (Escape, Cancel, done): only ever itself, never another opened meanwhile. */
  close(name: DialogName): void {
    if (this.isOpen(name)) this.open = null;
  }
}
