/**
 * The keyring that seals packets: one primary key (used to seal) plus more accepted keys (tried
 * when unsealing), so a running cluster rotates keys without downtime:
 * 1. `install(newKey)` on every node (all nodes now accept both keys),
 * 2. `use(newKey)` on every node (all nodes now seal with the new key),
 * 3. `remove(oldKey)` on every node.
 */

/** AES-256 key length in bytes. */
export const KEY_BYTES = 32;

/** Thrown on keyring misuse (wrong key length, removing the primary, empty ring). State is untouched. */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkKey(key: Uint8Array): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new KeyringError(
      `a key must be a Uint8Array of ${KEY_BYTES} bytes (AES-256); got ${key?.length ?? key}`,
    );
  }
  return Uint8Array.from(key);
}

/**
 * Primary key plus accepted keys. Bound: at most {@link Keyring.maxKeys} keys; `install` beyond it
 * throws, so the unseal cost (one AES-GCM attempt per key) stays bounded.
 */
export class Keyring {
  /** Upper bound on installed keys (primary included). */
  static readonly maxKeys = 8;
  private keys: Uint8Array[];

  /** @param primary the key that seals; @param accepted more keys that unseal. */
  constructor(primary: Uint8Array, accepted: readonly Uint8Array[] = []) {
    this.keys = [checkKey(primary)];
    for (const k of accepted) this.install(k);
  }

  /** Builds a keyring from a list whose first key is the primary. */
  static from(keys: readonly Uint8Array[]): Keyring {
    const [primary, ...rest] = keys;
    if (!primary)
      throw new KeyringError('a keyring needs at least one key; pass keys: [key] or plaintext: true');
    return new Keyring(primary, rest);
  }

  /** The key that seals outgoing packets. */
  get primary(): Uint8Array {
    return this.keys[0] as Uint8Array;
  }

  /** All keys, primary first (copies). Unsealing tries them in this order. */
  get all(): readonly Uint8Array[] {
    return this.keys;
  }

  /** Adds an accepted key (no-op if present). */
  install(key: Uint8Array): void {
    const k = checkKey(key);
    if (this.keys.some((x) => sameKey(x, k))) return;
    if (this.keys.length >= Keyring.maxKeys) {
      throw new KeyringError(`a keyring holds at most ${Keyring.maxKeys} keys; remove an old key first`);
    }
    this.keys.push(k);
  }

  /** Makes an installed key the primary (installs it first if needed). */
  use(key: Uint8Array): void {
    const k = checkKey(key);
    this.install(k);
    const i = this.keys.findIndex((x) => sameKey(x, k));
    const [found] = this.keys.splice(i, 1);
    this.keys.unshift(found as Uint8Array);
  }

  /** Removes an accepted key. Removing the primary throws: `use` another key first. */
  remove(key: Uint8Array): void {
    const k = checkKey(key);
    if (sameKey(this.primary, k))
      throw new KeyringError('cannot remove the primary key; call use(otherKey) first');
    this.keys = this.keys.filter((x) => !sameKey(x, k));
  }
}
