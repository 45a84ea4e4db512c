package dev.empiric.export;

/**
 * A file of an export in the form its zip stores it: the raw deflate stream, with what the zip's
 * headers and the manifest need (the CRC-32 and length of the original bytes, their SHA-256), so it
 * can be copied into an archive without being deflated again.
 */
record Deflated(String sha256, int crc, long size, byte[] data) {}
