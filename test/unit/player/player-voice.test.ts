/** The player's voice pieces as pure units: VoiceConnection assembly and the close-code policy. */
import { describe, expect, it } from 'vitest';
import {
  MAX_VOICE_RECOVERIES,
  VOICE_CLOSE_POLICY,
  voiceCloseAction,
} from '../../../src/player/voice-close-policy.js';
import { VoiceConnection } from '../../../src/player/voice-state.js';

const state = (channel_id: string | null, session_id = 'sess') => ({
  guild_id: '1',
  channel_id,
  user_id: '2',
  session_id,
  self_deaf: true,
  self_mute: false,
});
const server = (endpoint: string | null, token = 'tok') => ({ guild_id: '1', token, endpoint });

describe('VoiceConnection', () => {
  it('is ready once both halves arrived, whatever their order', () => {
    const first = new VoiceConnection('10');
    expect(first.applyState(state('10'))).toBe('none');
    expect(first.applyServer(server('us-east1.discord.media'))).toBe('ready');

    const second = new VoiceConnection('10');
    expect(second.applyServer(server('us-east1.discord.media'))).toBe('none');
    expect(second.applyState(state('10'))).toBe('ready');
    expect(second.toLavalink()).toEqual({
      token: 'tok',
      endpoint: 'us-east1.discord.media',
      sessionId: 'sess',
      channelId: '10',
    });
  });

  it('waits through a null endpoint', () => {
    const voice = new VoiceConnection('10');
    voice.applyState(state('10'));
    expect(voice.applyServer(server(null))).toBe('none');
    expect(voice.toLavalink()).toBeNull();
    expect(voice.applyServer(server('c-ams08-ab.discord.media', 'tok2'))).toBe('ready');
    expect(voice.region).toBe('ams');
    // Discord moved the voice server: the region follows.
    voice.applyServer(server('us-east123.discord.media:443', 'tok3'));
    expect(voice.region).toBe('us-east');
  });

  it('does not report what Lavalink already has, and reports any change', () => {
    const voice = new VoiceConnection('10');
    voice.applyState(state('10'));
    voice.applyServer(server('e.discord.media'));
    voice.markSent(true);
    expect(voice.needsSend()).toBe(false);
    expect(voice.applyState(state('10'))).toBe('none');
    expect(voice.applyState(state('11'))).toBe('ready');
    expect(voice.channelId).toBe('11');
    voice.markSent(true);
    expect(voice.applyServer(server('e.discord.media', 'new-token'))).toBe('ready');
    voice.markSent(false);
    expect(voice.needsSend()).toBe(true);
  });

  it('a null channel means disconnected, and the next join is sent again', () => {
    const voice = new VoiceConnection('10');
    voice.applyState(state('10'));
    voice.applyServer(server('e.discord.media'));
    voice.markSent(true);
    expect(voice.applyState(state(null))).toBe('disconnected');
    expect(voice.channelId).toBeNull();
    expect(voice.toLavalink()).toBeNull();
    expect(voice.applyState(state('10'))).toBe('ready');
  });

  it('round-trips through its snapshot', () => {
    const voice = new VoiceConnection('10');
    voice.applyState(state('10'));
    voice.applyServer(server('e.discord.media'));
    const copy = VoiceConnection.from(voice.toJSON());
    expect(copy.toJSON()).toEqual(voice.toJSON());
    // Nothing was sent from the copy yet.
    expect(copy.needsSend()).toBe(true);
  });
});

describe('voiceCloseAction', () => {
  it.each([
    [4006, 'rejoin'],
    [4009, 'rejoin'],
    [4014, 'wait'],
    [4015, 'reconnect'],
    [4017, 'destroy'],
    [1006, 'reconnect'],
    [4999, 'reconnect'],
  ] as const)('%i → %s', (code, action) => {
    expect(voiceCloseAction(code, 0)).toBe(action);
  });

  it('destroys after the maximum recoveries in a row, except for wait and destroy codes', () => {
    expect(voiceCloseAction(4999, MAX_VOICE_RECOVERIES - 1)).toBe('reconnect');
    expect(voiceCloseAction(4999, MAX_VOICE_RECOVERIES)).toBe('destroy');
    expect(voiceCloseAction(4006, MAX_VOICE_RECOVERIES)).toBe('destroy');
    expect(voiceCloseAction(4014, MAX_VOICE_RECOVERIES + 5)).toBe('wait');
  });

  it('the table is frozen', () => {
    expect(Object.isFrozen(VOICE_CLOSE_POLICY)).toBe(true);
  });
});
