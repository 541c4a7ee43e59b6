import type { Action } from 'svelte/action';
import { on } from 'svelte/events';

/** How long a touch must rest before it counts as a long press, as on the phones people use. */
const HOLD_MS = 500;
/** A finger that moves this far is scrolling, not pressing. */
const SLOP_PX = 10;

/**
 * Calls back when a touch rests on the element, and swallows the click that would follow, so a long press on a
 * button does not also press it. Mice and keyboards are left alone: they have hover, focus and menus.
 */
export const longPress: Action<HTMLElement, () => void> = (node, onpress) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let start: { x: number; y: number } | undefined;
  let pressed = false;
  let callback = onpress;

  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const down = (event: PointerEvent) => {
    if (event.pointerType !== 'touch') return;
    pressed = false;
    start = { x: event.clientX, y: event.clientY };
    timer = setTimeout(() => {
      pressed = true;
      callback();
    }, HOLD_MS);
  };
  const move = (event: PointerEvent) => {
    if (start && Math.hypot(event.clientX - start.x, event.clientY - start.y) > SLOP_PX) cancel();
  };
  const click = (event: MouseEvent) => {
    if (!pressed) return;
    pressed = false;
    event.preventDefault();
    event.stopPropagation();
  };
  // The phone's own menu (copy, select) would cover ours.
  const contextmenu = (event: Event) => timer !== undefined || pressed ? event.preventDefault() : undefined;

  const listening = [
    on(node, 'pointerdown', down),
    on(node, 'pointermove', move),
    on(node, 'pointerup', cancel),
    on(node, 'pointercancel', cancel),
    on(node, 'click', click, { capture: true }),
    on(node, 'contextmenu', contextmenu),
  ];
  return {
    update(next) {
      callback = next;
    },
    destroy() {
      cancel();
      for (const stop of listening) stop();
    },
  };
};
