import { describe, expect, it } from 'vitest';
import { clientEvent, serverEvent } from '../src/index.js';

describe('frame builders', () => {
  it('put the request id on a frame only when one is given', () => {
    expect(clientEvent('ping', {}, 'p1')).toEqual({ type: 'ping', payload: {}, id: 'p1' });
    expect(Object.keys(clientEvent('ping', {}))).toEqual(['type', 'payload']);
    expect(serverEvent('pong', {}, 'p1')).toEqual({ type: 'pong', payload: {}, id: 'p1' });
    expect(Object.keys(serverEvent('pong', {}))).toEqual(['type', 'payload']);
  });

  it('accept only the payload that belongs to the type', () => {
    // @ts-expect-error create_dm takes a user_id, not user_ids
    const wrong = clientEvent('create_dm', { user_ids: [2] });
    expect(wrong.type).toBe('create_dm');
  });
});
