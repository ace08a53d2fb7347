/**
 * API keys as the Temporal server's default JWT claim mapper reads them (v1.32.1): a signed JWT
 * with `sub`, a `permissions` array of `namespace:role` strings, and the registered time claims,
 * which it checks with no clock-skew leeway. Minting and decoding are `jose`'s; what a token
 * grants is the server's rule, restated here so a failure can be explained from the token alone.
 */
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import type { Signer } from './signing-keys';

export const ROLES = ['read', 'write', 'worker', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The namespace whose permissions the server treats as cluster-wide (system) ones. */
export const SYSTEM_NAMESPACE = 'temporal-system';

/** `iat` this far in the past, so a container clock a little behind the host's still accepts it. */
const ISSUED_AT_SKEW_S = 5;

export interface TokenSpec {
  subject: string;
  /** `namespace:role` strings. */
  permissions: string[];
  /** Seconds from now; negative for a token that has already expired. */
  expiresInS: number;
  /** Seconds from now before which the token is not valid (`nbf`). */
  notBeforeInS?: number;
  audience?: string;
}

export async function mintToken(signer: Signer, spec: TokenSpec): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const issuedAt = Math.min(now - ISSUED_AT_SKEW_S, now + spec.expiresInS - 1);
  const jwt = new SignJWT({ permissions: spec.permissions })
    .setProtectedHeader({ alg: signer.algorithm, kid: signer.keyId, typ: 'JWT' })
    .setSubject(spec.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(now + spec.expiresInS);
  if (spec.notBeforeInS !== undefined) jwt.setNotBefore(now + spec.notBeforeInS);
  if (spec.audience !== undefined) jwt.setAudience(spec.audience);
  return jwt.sign(signer.privateKey);
}

export const permission = (namespace: string, role: Role) => `${namespace}:${role}`;

/** What a token says about itself, read without verifying its signature. */
export interface ApiKeyFacts {
  subject?: string;
  algorithm?: string;
  keyId?: string;
  /** Seconds since the epoch. */
  expiresAt?: number;
  notBefore?: number;
  issuedAt?: number;
  audience: string[];
  permissions: string[];
}

export type DecodedApiKey = { ok: true; facts: ApiKeyFacts } | { ok: false; problem: string };

/** Decode a token without verifying it; a token that is not a JWT at all gets its problem named. */
export function decodeApiKey(token: string): DecodedApiKey {
  try {
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    const audience = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const permissions = Array.isArray(claims.permissions) ? claims.permissions.filter((p): p is string => typeof p === 'string') : [];
    return {
      ok: true,
      facts: {
        subject: claims.sub,
        algorithm: header.alg,
        keyId: header.kid,
        expiresAt: claims.exp,
        notBefore: claims.nbf,
        issuedAt: claims.iat,
        audience,
        permissions,
      },
    };
  } catch (error) {
    return { ok: false, problem: `not a JWT (${(error as Error).message})` };
  }
}

/** The server's role bits (common/authorization/roles.go): an access level needs at least its bit's value. */
const ROLE_VALUE: Record<Role, number> = { worker: 1, read: 2, write: 4, admin: 8 };

/** What an API needs: read (describe, history), write (start, signal, and every task poll), admin. */
export type Access = 'read' | 'write' | 'admin';
const ACCESS_NEEDS: Record<Access, number> = { read: ROLE_VALUE.read, write: ROLE_VALUE.write, admin: ROLE_VALUE.admin };

/**
 * The role bits a token holds on `namespace`: its system roles or'ed with that namespace's, as the
 * default authorizer combines them. Namespace names are case-sensitive, roles are not; unknown
 * roles (`writer`, `reader`) count for nothing.
 */
export function roleBits(facts: ApiKeyFacts, namespace: string): number {
  let bits = 0;
  for (const entry of facts.permissions) {
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    const scope = entry.slice(0, colon);
    const role = entry.slice(colon + 1).toLowerCase() as Role;
    if ((scope === namespace || scope === SYSTEM_NAMESPACE) && role in ROLE_VALUE) bits |= ROLE_VALUE[role];
  }
  return bits;
}

/** The default authorizer compares numerically: worker alone (1) is less than read (2). */
export const grants = (facts: ApiKeyFacts, namespace: string, access: Access) => roleBits(facts, namespace) >= ACCESS_NEEDS[access];

/** Whether the token names `namespace` (or the system namespace) at all, whatever the role. */
export function namesNamespace(facts: ApiKeyFacts, namespace: string): boolean {
  return facts.permissions.some((entry) => {
    const scope = entry.slice(0, Math.max(entry.indexOf(':'), 0));
    return scope === namespace || scope === SYSTEM_NAMESPACE;
  });
}

/** The time checks the server makes (golang-jwt v4, no leeway), at `nowS`. */
export function timeProblem(facts: ApiKeyFacts, nowS = Date.now() / 1000): 'expired' | 'not-yet-valid' | 'issued-in-future' | null {
  if (facts.expiresAt !== undefined && nowS >= facts.expiresAt) return 'expired';
  if (facts.issuedAt !== undefined && nowS < facts.issuedAt) return 'issued-in-future';
  if (facts.notBefore !== undefined && nowS < facts.notBefore) return 'not-yet-valid';
  return null;
}
