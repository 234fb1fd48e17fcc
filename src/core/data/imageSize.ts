/**
 * Width and height of a PNG, JPEG or GIF read from its first bytes, without decoding: enough
 * for guessing a training size from a folder at once. Null for other formats or broken headers.
 * @example imageSize(bytes) // { width: 28, height: 28 }
 */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const at = (i: number) => bytes[i] ?? 0;
  const be16 = (i: number) => (at(i) << 8) | at(i + 1);
  const be32 = (i: number) => ((at(i) << 24) | (at(i + 1) << 16) | (at(i + 2) << 8) | at(i + 3)) >>> 0;
  // PNG: signature, then the IHDR chunk's width and height.
  if (be32(0) === 0x89504e47 && be32(12) === 0x49484452) return sized(be32(16), be32(20));
  // GIF: "GIF8", then little-endian width and height.
  if (be32(0) === 0x47494638) return sized(at(6) | (at(7) << 8), at(8) | (at(9) << 8));
  // JPEG: walk the markers to the first start-of-frame (C0-CF except DHT C4, JPG C8, DAC CC).
  if (be16(0) === 0xffd8) {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (at(i) !== 0xff) return null;
      const marker = at(i + 1);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return sized(be16(i + 7), be16(i + 5));
      i += 2 + be16(i + 2);
    }
  }
  return null;
}

function sized(width: number, height: number): { width: number; height: number } | null {
  return width > 0 && height > 0 ? { width, height } : null;
}
