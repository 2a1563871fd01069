package pro.codai.sandbox.api;

/**
 * How full a student's volume is, as its filesystem reports it ({@code statvfs}).
 *
 * @param usedBytes bytes in use (blocks used, metadata included)
 * @param totalBytes the volume's size
 * @param usedInodes files, directories and links in use
 * @param totalInodes how many the volume can hold
 */
public record VolumeStats(long usedBytes, long totalBytes, long usedInodes, long totalInodes) {}
