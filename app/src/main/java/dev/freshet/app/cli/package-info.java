/**
 * The subcommands of {@code freshet} and what they print. The command classes are public only
 * because {@link dev.freshet.app.Main} names them in its picocli annotation; everything they use
 * stays package-private.
 */
package dev.freshet.app.cli;
