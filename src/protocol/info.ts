/** Wire shapes for `/v4/info` and the route planner (protocol reference §3.2, §3.3). */

export interface VersionInfo {
  semver: string;
  major: number;
  minor: number;
  patch: number;
  preRelease: string | null;
  build?: string | null;
}

export interface GitInfo {
  branch: string;
  commit: string;
  commitTime: number;
}

export interface PluginMeta {
  name: string;
  version: string;
}

export interface NodeInfo {
  version: VersionInfo;
  buildTime: number;
  git: GitInfo;
  jvm: string;
  lavaplayer: string;
  sourceManagers: string[];
  filters: string[];
  plugins: PluginMeta[];
}

export type RoutePlannerClass =
  'RotatingIpRoutePlanner' | 'NanoIpRoutePlanner' | 'RotatingNanoIpRoutePlanner' | 'BalancingIpRoutePlanner';

export interface FailingAddress {
  failingAddress: string;
  failingTimestamp: number;
  failingTime: string;
}

export interface RoutePlannerDetails {
  ipBlock: { type: 'Inet4Address' | 'Inet6Address'; size: string };
  failingAddresses: FailingAddress[];
  rotateIndex?: string;
  ipIndex?: string;
  currentAddress?: string;
  currentAddressIndex?: string;
  blockIndex?: string;
}

/** `GET /v4/routeplanner/status`; `null` when the server has no route planner (204). */
export type RoutePlannerStatus = { class: RoutePlannerClass; details: RoutePlannerDetails } | null;

/** Spring-Boot-style error body of a failed REST request (§1). */
export interface RestErrorBody {
  timestamp: number;
  status: number;
  error: string;
  trace?: string;
  message: string;
  path: string;
}
