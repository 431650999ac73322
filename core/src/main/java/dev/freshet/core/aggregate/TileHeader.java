package dev.freshet.core.aggregate;

/**
 * The header of an encoded tile ({@link ViewAggregator#header}).
 *
 * @param start           the tile's start, epoch ms (for a lifetime tile: the start of the newest tile folded into it)
 * @param version         the tile's version ({@link Tile#version()})
 * @param latestEventTime the largest event time in the tile, or {@code Long.MIN_VALUE} when empty
 */
public record TileHeader(long start, long version, long latestEventTime) {
}
