/**
 * What lavafleet does when Lavalink reports that Discord closed a player's voice connection
 * (`WebSocketClosedEvent`). One table, documented per code:
 *
 * | code | meaning (Discord voice) | action |
 * | --- | --- | --- |
 * | 1000, 1001, 1006 | normal / going away / abnormal | reconnect: send the same voice state to Lavalink again |
 * | 4006 | session no longer valid | rejoin: ask Discord for a new voice session (op 4) |
 * | 4009 | session timed out | rejoin |
 * | 4011 | server not found | rejoin |
 * | 4014 | disconnected (kicked, moved, channel deleted) | wait: Discord follows with a voice state update that says which |
 * | 4015 | voice server crashed | reconnect |
 * | 4016 | unknown encryption mode | rejoin |
 * | 4017 | DAVE (E2EE) protocol required: the Lavalink server is older than 4.2 | destroy: upgrade Lavalink |
 * | 4004, 4003, 4005 | authentication problems | rejoin |
 * | anything else | | reconnect, at most 3 times in a row, then destroy |
 */
import type { VoiceCloseAction } from './player-events.js';

export const VOICE_CLOSE_POLICY: Readonly<Record<number, VoiceCloseAction>> = Object.freeze({
  1000: 'reconnect',
  1001: 'reconnect',
  1006: 'reconnect',
  4003: 'rejoin',
  4004: 'rejoin',
  4005: 'rejoin',
  4006: 'rejoin',
  4009: 'rejoin',
  4011: 'rejoin',
  4014: 'wait',
  4015: 'reconnect',
  4016: 'rejoin',
  4017: 'destroy',
});

/** How many recoveries in a row before a player is destroyed. */
export const MAX_VOICE_RECOVERIES = 3;

/** The action for a close code, given how many recoveries were already tried in a row. */
export function voiceCloseAction(code: number, recoveriesInARow: number): VoiceCloseAction {
  const action = VOICE_CLOSE_POLICY[code] ?? 'reconnect';
  if (action !== 'wait' && action !== 'destroy' && recoveriesInARow >= MAX_VOICE_RECOVERIES) return 'destroy';
  return action;
}
