import { createCipheriv, createDecipheriv, randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Keyring } from './keyring.js';

/**
 * Packet sealing. Layout of every packet on the wire:
 *
 * ```
 * byte 0      packet format version (1)
 * byte 1      mode: 0 = plaintext, 1 = AES-256-GCM
 * plaintext:  bytes 2..   body
 * sealed:     bytes 2..13 nonce (12 random bytes)
 *             bytes 14..n-17 ciphertext of the body
 *             last 16     GCM authentication tag
 * ```
 * The additional authenticated data is bytes 0..1 followed by the UTF-8 cluster name, so a
 * packet sealed for another cluster (or with another header) fails authentication.
 */

/** Packet format version in byte 0. Append-only: a new layout gets a new number. */
export const PACKET_FORMAT_VERSION = 1;
/** Mode byte: plaintext body. */
export const MODE_PLAINTEXT = 0;
/** Mode byte: AES-256-GCM sealed body. */
export const MODE_AES_GCM = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 2;

/** Bytes a sealed packet adds around its body. */
export const SEAL_OVERHEAD_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BYTES;

/** Why a packet could not be opened. */
export type UnsealFailure = 'auth' | 'mode';

/** Result of {@link Sealer.open}: the body, or why it was rejected. */
export type OpenResult = { ok: true; body: Uint8Array } | { ok: false; reason: UnsealFailure };

/**
 * Seals and opens packets for one cluster. With a keyring it seals with the primary key and
 * opens with any installed key; without one (plaintext) it only frames the body. A sealed
 * packet reaching a plaintext node, or the reverse, is rejected as `mode`.
 */
export class Sealer {
  private readonly aad: Buffer;

  /**
   * @param clusterName authenticated with every packet.
   * @param keyring keys, or undefined for plaintext.
   * @param nonce source of nonce bytes. Defaults to node:crypto's CSPRNG: GCM nonces must never
   *   repeat under one key, which a seeded simulation Rng cannot promise. Sealed bytes are
   *   therefore not reproducible, but nothing in the protocol depends on their value.
   */
  constructor(
    clusterName: string,
    readonly keyring: Keyring | undefined,
    private readonly nonce: (n: number) => Uint8Array = (n) => cryptoRandomBytes(n),
  ) {
    this.aad = Buffer.concat([
      Buffer.from([PACKET_FORMAT_VERSION, MODE_AES_GCM]),
      Buffer.from(clusterName, 'utf8'),
    ]);
  }

  /** Bytes this sealer adds to a body. */
  get overheadBytes(): number {
    return this.keyring ? SEAL_OVERHEAD_BYTES : HEADER_BYTES;
  }

  /** Frames (and, with a keyring, encrypts) one body. */
  seal(body: Uint8Array): Uint8Array {
    if (!this.keyring) {
      const out = new Uint8Array(HEADER_BYTES + body.length);
      out[0] = PACKET_FORMAT_VERSION;
      out[1] = MODE_PLAINTEXT;
      out.set(body, HEADER_BYTES);
      return out;
    }
    const iv = this.nonce(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyring.primary, iv);
    cipher.setAAD(this.aad);
    const ct = cipher.update(body);
    cipher.final();
    const tag = cipher.getAuthTag();
    const out = new Uint8Array(SEAL_OVERHEAD_BYTES + ct.length);
    out[0] = PACKET_FORMAT_VERSION;
    out[1] = MODE_AES_GCM;
    out.set(iv, HEADER_BYTES);
    out.set(ct, HEADER_BYTES + NONCE_BYTES);
    out.set(tag, HEADER_BYTES + NONCE_BYTES + ct.length);
    return out;
  }

  /** Opens one packet. Never throws: bad input gives `{ ok: false }`. */
  open(packet: Uint8Array): OpenResult {
    if (packet.length < HEADER_BYTES || packet[0] !== PACKET_FORMAT_VERSION)
      return { ok: false, reason: 'mode' };
    const mode = packet[1];
    if (!this.keyring) {
      if (mode !== MODE_PLAINTEXT) return { ok: false, reason: 'mode' };
      return { ok: true, body: packet.subarray(HEADER_BYTES) };
    }
    if (mode !== MODE_AES_GCM) return { ok: false, reason: 'mode' };
    if (packet.length < SEAL_OVERHEAD_BYTES) return { ok: false, reason: 'auth' };
    const iv = packet.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
    const ct = packet.subarray(HEADER_BYTES + NONCE_BYTES, packet.length - TAG_BYTES);
    const tag = packet.subarray(packet.length - TAG_BYTES);
    for (const key of this.keyring.all) {
      try {
        const d = createDecipheriv('aes-256-gcm', key, iv);
        d.setAAD(this.aad);
        d.setAuthTag(tag);
        const a = d.update(ct);
        d.final();
        return { ok: true, body: a };
      } catch {
        // Wrong key or tampered packet: try the next key.
      }
    }
    return { ok: false, reason: 'auth' };
  }
}
