import {
  carryMentions,
  fromWire,
  insertMention,
  mentionDeletedAt,
  snapSelection,
  toWire,
  type Mention,
  type MentionText,
} from '../../lib/mention-text.js';

/**
 * What the composer's box holds: the text as shown, with `@nickname` for each mention, and where the mentions are. A
 * mention is one piece: deleted whole, stepped over by the caret, and sent as its token.
 */
export class ComposerText {
  text = $state('');
  mentions = $state.raw<Mention[]>([]);
  /** What goes on the wire: the text with each mention as its token. */
  readonly wire = $derived(toWire({ text: this.text, mentions: this.mentions }));
  /** Where the caret was: one that steps into a mention goes on to the mention's far side. */
  private caretWas = 0;

  constructor(value: MentionText) {
    this.show(value);
  }

  get value(): MentionText {
    return { text: this.text, mentions: this.mentions };
  }

  show(value: MentionText): void {
    this.text = value.text;
    this.mentions = value.mentions;
  }

  /**
   * Mentions shown with another name than the person has now (not yet known when a draft came back, or renamed since)
   * get that name; true when any did.
   */
  rename(nickname: (id: number) => string): boolean {
    if (this.mentions.every((m) => this.text.slice(m.start, m.end) === `@${nickname(m.id)}`)) return false;
    this.show(fromWire(this.wire, nickname));
    return true;
  }

  /** The box's text changed (typed, pasted, cut, undone): mentions it reached into become plain text, others move. */
  typed(next: string): void {
    this.mentions = carryMentions(this.mentions, this.text, next);
    this.text = next;
  }

  /** Puts a mention of the person in place of [start, end) and a space after it; returns where the caret goes. */
  mention(start: number, end: number, person: { id: number; nickname: string }): number {
    const next = insertMention(this.value, start, end, person);
    this.show(next);
    return next.caret;
  }

  /** Whether an `@` at this place starts a mention already chosen, rather than a name being typed. */
  chosenAt(start: number): boolean {
    return this.mentions.some((m) => m.start === start);
  }

  /**
   * Backspace at a mention's end, or Delete at its start, takes the whole mention. It is deleted as the browser's own
   * deletion of a selection, which keeps it on the undo stack; the `input` that fires carries the mentions over.
   */
  beforeInput(input: HTMLTextAreaElement, event: InputEvent): void {
    if (!event.inputType.startsWith('delete') || input.selectionStart !== input.selectionEnd) return;
    const mention = mentionDeletedAt(this.mentions, input.selectionStart, event.inputType.includes('Backward'));
    if (mention === undefined) return;
    event.preventDefault();
    input.setSelectionRange(mention.start, mention.end);
    if (document.execCommand('delete')) return;
    input.setRangeText('', mention.start, mention.end, 'end');
    input.dispatchEvent(new InputEvent('input', { inputType: 'deleteContentBackward' }));
  }

  /** The caret or selection moved: a caret never rests inside a mention, and a selection takes mentions whole. */
  selectionMoved(input: HTMLTextAreaElement): void {
    const [start, end] = snapSelection(this.mentions, input.selectionStart, input.selectionEnd, this.caretWas);
    if (start !== input.selectionStart || end !== input.selectionEnd) input.setSelectionRange(start, end, input.selectionDirection);
    this.caretWas = input.selectionDirection === 'backward' ? start : end;
  }
}
