/** Realistic Discord gateway packets shared by the connector tests (API v10 shapes). */
import type { VoiceStateUpdatePayload } from '../../../src/connectors/connector.js';

export const BOT_ID = '1100000000000000001';
export const OTHER_USER_ID = '1100000000000000002';
/** Owned by shard 0 of 2. */
export const GUILD_ON_SHARD_0 = '81384788765712384';
/** Owned by shard 1 of 2. */
export const GUILD_ON_SHARD_1 = '81384788769906688';
/** A guild the bot is not in. */
export const UNKNOWN_GUILD = '110373943822540800';
export const VOICE_CHANNEL = '81384788765712390';

let sequence = 0;

export function dispatch(t: string, d: unknown): { op: 0; t: string; s: number; d: unknown } {
  sequence += 1;
  return { op: 0, t, s: sequence, d };
}

export function voiceStateUpdate(guildId: string, channelId: string | null, userId = BOT_ID) {
  return dispatch('VOICE_STATE_UPDATE', {
    member: {
      user: { id: userId, username: 'bot', discriminator: '0', avatar: null },
      roles: [],
      deaf: false,
    },
    user_id: userId,
    suppress: false,
    session_id: 'c8a3f1e7b2d94e6f8a1b2c3d4e5f6a7b',
    self_video: false,
    self_mute: false,
    self_deaf: true,
    request_to_speak_timestamp: null,
    mute: false,
    guild_id: guildId,
    deaf: false,
    channel_id: channelId,
  });
}

export function voiceServerUpdate(
  guildId: string,
  endpoint: string | null = 'c-ams08-4f5a.discord.media:443',
) {
  return dispatch('VOICE_SERVER_UPDATE', { token: '3f1b2a9c8d7e6f50', guild_id: guildId, endpoint });
}

export function readyData(guildIds: string[], shard: [number, number] = [0, 1]) {
  return {
    v: 10,
    user: { id: BOT_ID, username: 'lavafleet-test', discriminator: '0', avatar: null, bot: true, flags: 0 },
    guilds: guildIds.map((id) => ({ id, unavailable: true })),
    session_id: '6a0e1d3c2b4f5a6978877665544332211',
    resume_gateway_url: 'wss://gateway-us-east1-b.discord.gg',
    shard,
    application: { id: BOT_ID, flags: 0 },
    private_channels: [],
    presences: [],
    relationships: [],
    user_settings: {},
    guild_join_requests: [],
    geo_ordered_rtc_regions: ['rotterdam'],
    auth_session_id_hash: 'x',
    _trace: ['["gateway-prd-us-east1-b-0",{"micros":1}]'],
  };
}

export function guildCreateData(guildId: string) {
  return {
    id: guildId,
    name: `guild ${guildId}`,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: OTHER_USER_ID,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id: guildId,
        name: '@everyone',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: '1071698660929',
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    joined_at: '2024-01-01T00:00:00.000000+00:00',
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [],
    channels: [
      {
        id: VOICE_CHANNEL,
        type: 2,
        name: 'Music',
        position: 0,
        permission_overwrites: [],
        bitrate: 64000,
        user_limit: 0,
        parent_id: null,
        rtc_region: null,
        nsfw: false,
        rate_limit_per_user: 0,
        flags: 0,
      },
    ],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
    lazy: true,
  };
}

/** Dispatches that are not voice packets; each must be ignored. */
export function nonVoicePackets() {
  return [
    dispatch('MESSAGE_CREATE', {
      id: '1100000000000000500',
      channel_id: '1100000000000000600',
      guild_id: GUILD_ON_SHARD_0,
      author: { id: OTHER_USER_ID, username: 'someone', discriminator: '0', avatar: null },
      content: 'VOICE_STATE_UPDATE',
      timestamp: '2024-01-01T00:00:00.000000+00:00',
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
    }),
    dispatch('TYPING_START', {
      user_id: OTHER_USER_ID,
      timestamp: 1_700_000_000,
      channel_id: '1100000000000000600',
    }),
  ];
}

/** Voice dispatches missing or mistyping a field lavafleet needs; each must be ignored. */
export function malformedVoicePackets() {
  return [
    dispatch('VOICE_STATE_UPDATE', {
      guild_id: GUILD_ON_SHARD_0,
      channel_id: VOICE_CHANNEL,
      user_id: BOT_ID,
    }),
    dispatch('VOICE_STATE_UPDATE', {
      guild_id: GUILD_ON_SHARD_0,
      channel_id: 42,
      user_id: BOT_ID,
      session_id: 'x',
    }),
    dispatch('VOICE_SERVER_UPDATE', { guild_id: GUILD_ON_SHARD_0, endpoint: 'a.discord.media:443' }),
    dispatch('VOICE_SERVER_UPDATE', { guild_id: GUILD_ON_SHARD_0, token: 't', endpoint: 443 }),
    dispatch('VOICE_SERVER_UPDATE', null),
  ];
}

export const JOIN: VoiceStateUpdatePayload = {
  guild_id: GUILD_ON_SHARD_1,
  channel_id: VOICE_CHANNEL,
  self_mute: false,
  self_deaf: true,
};

/** The voice packet a connector must hand over for a dispatch: `t` and only the fields lavafleet reads. */
export function expectedVoicePacket(packet: { t: string; d: unknown }) {
  const d = packet.d as Record<string, unknown>;
  const keys =
    packet.t === 'VOICE_SERVER_UPDATE'
      ? ['guild_id', 'token', 'endpoint']
      : ['guild_id', 'channel_id', 'user_id', 'session_id', 'self_deaf', 'self_mute'];
  return { t: packet.t, d: Object.fromEntries(keys.filter((key) => key in d).map((key) => [key, d[key]])) };
}
