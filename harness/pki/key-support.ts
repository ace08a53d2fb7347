/**
 * Which key algorithms and sizes the stacks can use, as measured against the real server (README,
 * "Key algorithms and sizes"). OpenSSL (the client stack, Node 20's OpenSSL 3.0 at security level
 * 1) and the Go server take all of them; rustls with ring (the worker) has a shorter list, for
 * the server's certificate and for its own client key alike.
 */
import type { KeyObject } from 'node:crypto';

export type KeyRefusal = 'KEY_ALGORITHM_UNSUPPORTED' | 'KEY_TOO_SMALL';

/** ECDSA curves ring verifies and signs with. */
const RING_CURVES = new Set(['prime256v1', 'secp384r1']);
const RING_RSA_BITS = { min: 2048, max: 8192 };

/** Why rustls (the worker) refuses `key`, or undefined when it takes it. */
export function workerRefusal(key: KeyObject): KeyRefusal | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss': {
      const bits = details.modulusLength ?? 0;
      if (bits < RING_RSA_BITS.min) return 'KEY_TOO_SMALL';
      return bits > RING_RSA_BITS.max ? 'KEY_ALGORITHM_UNSUPPORTED' : undefined;
    }
    case 'ec':
      return RING_CURVES.has(details.namedCurve ?? '') ? undefined : 'KEY_ALGORITHM_UNSUPPORTED';
    case 'ed25519':
      return undefined;
    default:
      return 'KEY_ALGORITHM_UNSUPPORTED';
  }
}
