import type { Action } from 'svelte/action';
import { on } from 'svelte/events';

/** How long a touch must rest before it counts as a long press, as on the phones people use. */
const HOLD_MS = 500;
/** A finger that moves this far is scrolling, not pressing. */
const SLOP_PX = 10;

/**
 * Calls back when a touch rests on the element. Mice and keyboards are left alone: they have hover, focus and menus.
 * A touch on a link is left to the browser too, whose own menu copies or opens the link.
 */
export const longPress: Action<HTMLElement, () => void> = (node, onpress) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let start: { x: number; y: number } | undefined;
  let pressed = false;
  let callback = onpress;
  node.dataset.longPress = '';

  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const down = (event: PointerEvent) => {
    pressed = false;
    const target = event.target as Element;
    if (event.pointerType !== 'touch' || target.closest('a[href]') !== null) return;
    // A press on something inside with a long press of its own (a reaction in a message) is that one's.
    if (target.closest('[data-long-press]') !== node) return;
    start = { x: event.clientX, y: event.clientY };
    timer = setTimeout(() => {
      timer = undefined;
      pressed = true;
      swallowNextClick();
      callback();
    }, HOLD_MS);
  };
  const move = (event: PointerEvent) => {
    if (start && Math.hypot(event.clientX - start.x, event.clientY - start.y) > SLOP_PX) cancel();
  };
  // The phone's own menu (select, copy) would cover ours; ours has "Copy text".
  const contextmenu = (event: Event) => (timer !== undefined || pressed ? event.preventDefault() : undefined);

  const listening = [
    on(node, 'pointerdown', down),
    on(node, 'pointermove', move),
    on(node, 'pointerup', cancel),
    on(node, 'pointercancel', cancel),
    on(node, 'contextmenu', contextmenu),
  ];
  return {
    update(next) {
      callback = next;
    },
    destroy() {
      cancel();
      delete node.dataset.longPress;
      for (const stop of listening) stop();
    },
  };
};

/**
 * Swallows the click the browser sends when the finger that pressed lifts. The press has opened something under that
 * finger: a click landing on a menu's backdrop would close it at once, and one on a button in it would press it.
 * Another touch or a key first means no such click came, and the next one is someone's own.
 */
function swallowNextClick(): void {
  const swallow = (event: MouseEvent) => {
    event.preventDefault();
    event.stopPropagation();
    done();
  };
  const listening = [
    on(window, 'click', swallow, { capture: true }),
    on(window, 'pointerdown', () => done(), { capture: true }),
    on(window, 'keydown', () => done(), { capture: true }),
  ];
  function done() {
    for (const stop of listening) stop();
  }
}
