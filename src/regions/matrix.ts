/**
 * A world-wide region round-trip-time matrix for the simulator and for nearest-region
 * answers (DNS `top<N>.nearest.of.<app>.internal`).
 *
 * Source: the table "Latency Between AWS Global Regions" (average ping round-trip times in ms
 * between EC2 instances, one row per origin region), as republished on
 * https://acomputerscientistlearnsaws.blogspot.com/2017/04/aws-regions.html (April 2017).
 * The published row for São Paulo (gru) was cut off in the copy we could read, so its row is
 * the published São Paulo *column* (the RTT from every other region to it); every other row
 * is copied as published, so the matrix keeps the small direction asymmetries of the source.
 * The intra-region round trip (the diagonal, published as 0) is taken as 2 ms, inside the
 * 0.25-3.37 ms range of inter-availability-zone pings reported at
 * https://www.xkyle.com/Measuring-AWS-Region-and-AZ-Latency/ (2020).
 *
 * Region codes follow airport codes (as Fly.io names its regions); the AWS region each one
 * stands for is in {@link REGION_INFO}.
 */

/** The ten regions of the matrix, in the published row order. */
export const REGIONS = ['iad', 'sjc', 'sea', 'dub', 'fra', 'nrt', 'icn', 'sin', 'syd', 'gru'] as const;

/** A region code of the built-in matrix. */
export type RegionCode = (typeof REGIONS)[number];

/** What each region code stands for in the source table. */
export const REGION_INFO: Readonly<Record<RegionCode, { city: string; awsRegion: string }>> = {
  iad: { city: 'Ashburn, N. Virginia', awsRegion: 'us-east-1' },
  sjc: { city: 'N. California', awsRegion: 'us-west-1' },
  sea: { city: 'Oregon', awsRegion: 'us-west-2' },
  dub: { city: 'Dublin, Ireland', awsRegion: 'eu-west-1' },
  fra: { city: 'Frankfurt', awsRegion: 'eu-central-1' },
  nrt: { city: 'Tokyo', awsRegion: 'ap-northeast-1' },
  icn: { city: 'Seoul', awsRegion: 'ap-northeast-2' },
  sin: { city: 'Singapore', awsRegion: 'ap-southeast-1' },
  syd: { city: 'Sydney', awsRegion: 'ap-southeast-2' },
  gru: { city: 'São Paulo', awsRegion: 'sa-east-1' },
};

/** Round trip inside one region, in ms (see the module comment for its derivation). */
export const INTRA_REGION_RTT_MS = 2;

/** Where the figures come from, for reports. */
export const MATRIX_SOURCE =
  'AWS inter-region average ping RTT table "Latency Between AWS Global Regions", republished at ' +
  'https://acomputerscientistlearnsaws.blogspot.com/2017/04/aws-regions.html (April 2017); ' +
  'intra-region RTT 2 ms from the inter-AZ range at https://www.xkyle.com/Measuring-AWS-Region-and-AZ-Latency/';

// Round-trip times in ms, row = origin, column = destination, in REGIONS order. 0 on the
// diagonal is replaced by INTRA_REGION_RTT_MS when read.
const RTT_MS: readonly (readonly number[])[] = [
  /* iad */ [0, 72.74, 86.98, 80.55, 88.66, 145.3, 178.4, 216.7, 230, 119.5],
  /* sjc */ [71.63, 0, 19.46, 153.2, 166.6, 102.5, 131.5, 174, 157.5, 192.7],
  /* sea */ [88.68, 19.2, 0, 137, 159.5, 89.1, 118.3, 161.4, 162.2, 182.7],
  /* dub */ [80.52, 153.2, 137, 0, 19.56, 212.4, 242.4, 239, 309.6, 191.3],
  /* fra */ [88.62, 166.6, 159.5, 19.55, 0, 236.5, 266.2, 325.9, 323.5, 194.9],
  /* nrt */ [145.3, 102.5, 89.16, 212.4, 236.6, 0, 31.44, 73.79, 103.9, 256.8],
  /* icn */ [176.6, 132.6, 118.2, 242.4, 265.3, 31.32, 0, 71.87, 134, 286.3],
  /* sin */ [216.7, 173.9, 161.4, 238.1, 325.9, 73.81, 71.29, 0, 175.3, 328.1],
  /* syd */ [229.7, 157.8, 161.9, 309.6, 323.2, 103.9, 134, 175.4, 0, 322.5],
  /* gru */ [119.5, 192.7, 182.7, 191.3, 194.9, 256.8, 286.3, 328.1, 322.5, 0],
];

/** The published round trip from `from` to `to` in ms (intra-region: {@link INTRA_REGION_RTT_MS}). */
export function matrixRttMs(from: RegionCode, to: RegionCode): number {
  if (from === to) return INTRA_REGION_RTT_MS;
  const row = RTT_MS[REGIONS.indexOf(from)];
  return row?.[REGIONS.indexOf(to)] ?? INTRA_REGION_RTT_MS;
}
