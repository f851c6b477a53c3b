// node:zlib's native deflate, inflate and CRC-32 for the REFI-QDA zip code in core (which stays
// free of Node modules and falls back to fflate). On the bench corpus the pure-JS deflate and
// inflate were a third of an export's and an import's time.
import { isUtf8 } from 'node:buffer';
import * as zlib from 'node:zlib';
import type { ZipCodec } from './core/refi/zipWrite';
import type { InflateCodec } from './core/text/zip';

const crc32 = (data: Uint8Array): number => zlib.crc32(data) >>> 0;

export const NODE_ZIP_CODEC: ZipCodec & InflateCodec & { decodeUtf8(bytes: Uint8Array): string | undefined } = {
  // isUtf8 and toString use simdutf; TextDecoder's fatal mode goes through ICU in Node 20.
  decodeUtf8: (bytes) => (isUtf8(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : undefined),
  deflateRaw: (data) => zlib.deflateRawSync(data, { level: 1 }),
  crc32,
  inflateRaw(raw, cap) {
    try {
      // maxOutputLength stops inflating as soon as the output would pass `cap` (a zip bomb
      // that under-declares its size is never inflated further than its declaration).
      return { bytes: zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, cap) }) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return { over: true };
      return { error: (err as Error).message };
    }
  },
};
