import { notifies, type MemberState, type Message } from '@hearth/protocol';

const SOUND_KEY = 'hearth.sound';
const OFFER_DISMISSED_KEY = 'hearth.notify-offer-dismissed';

/** What a notification says about one message. */
export interface Alert {
  message: Message;
  title: string;
  /** Who said what, in one line. */
  body: string;
  /** Opens the message's conversation. */
  open: () => void;
}

/**
 * Tells this person of messages while they are not looking: a system notification (once they allowed it) and, if
 * they chose, a sound. Which messages qualify is each conversation's notify level, shared with their other devices.
 */
export class Alerts {
  permission = $state<NotificationPermission | 'unsupported'>(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  sound = $state(localStorage.getItem(SOUND_KEY) === 'on');
  /** Not asked, and not told "not now": worth offering once the person has taken part. */
  offerDismissed = $state(localStorage.getItem(OFFER_DISMISSED_KEY) !== null);

  /** Asks the browser for permission; only ever from a click, as browsers require and people expect. */
  async ask(): Promise<void> {
    if (this.permission === 'unsupported') return;
    this.permission = await Notification.requestPermission();
  }

  dismissOffer(): void {
    this.offerDismissed = true;
    localStorage.setItem(OFFER_DISMISSED_KEY, '1');
  }

  setSound(on: boolean): void {
    this.sound = on;
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  }

  /** A message arrived live; `watching` is whether the person has its conversation open on a visible page. */
  arrived(alert: Alert, me: number, state: MemberState | undefined, watching: boolean): void {
    const { message } = alert;
    if (watching || message.user_id === me || !notifies(state?.notify ?? 'all', message, me)) return;
    // Fetched only by those who turned the sound on.
    if (this.sound) void import('../lib/chime.js').then(({ chime }) => chime());
    if (this.permission !== 'granted' || document.visibilityState === 'visible') return;
    const notification = new Notification(alert.title, {
      body: alert.body,
      tag: `c${message.conversation_id}`,
      icon: '/icons/icon-192.png',
    });
    notification.onclick = () => {
      window.focus();
      alert.open();
      notification.close();
    };
  }
}
