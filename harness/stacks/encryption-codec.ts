/**
 * A payload codec that encrypts every payload with AES-256-GCM, as Temporal's encryption sample
 * does: the whole original payload (metadata and data) becomes the ciphertext, so the server
 * stores only `binary/encrypted` payloads.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CodecChoice } from '../matrix/scenario';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class AesGcmCodec implements PayloadCodec {
  private readonly key: Buffer;

  /** `secret` is hashed to a 256-bit key; `keyId` is stored beside each payload. */
  constructor(
    private readonly keyId: string,
    secret: string,
  ) {
    this.key = createHash('sha256').update(secret).digest();
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(this.keyId),
      },
      data: this.encrypt(temporal.api.common.v1.Payload.encode(payload).finish()),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
      if (!payload.data) throw new ValueError('encrypted payload has no data');
      return temporal.api.common.v1.Payload.decode(this.decrypt(Buffer.from(payload.data)));
    });
  }

  private encrypt(plaintext: Uint8Array): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }

  private decrypt(sealed: Buffer): Buffer {
    const iv = sealed.subarray(0, IV_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new ValueError(`cannot decrypt payload with key "${this.keyId}": wrong key or corrupted data`);
    }
  }
}

const SHARED_SECRET = 'temporal-tls-harness shared codec secret';
const KEY_ID = 'harness-key-1';

/** The codec a side has for a scenario's codec choice (the key id is the same; the key may not be). */
export function codecFor(choice: CodecChoice | undefined): PayloadCodec | undefined {
  if (choice === 'shared') return new AesGcmCodec(KEY_ID, SHARED_SECRET);
  if (choice === 'wrong-key') return new AesGcmCodec(KEY_ID, 'a different secret');
  return undefined;
}
