package dev.freshet.app.cli;

import dev.freshet.core.definition.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/** Options that take a duration, written as in {@code freshet.yaml}: {@code 500ms, 30s, 5m}. */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Duration d = Durations.parse(value).orElseThrow(() -> new TypeConversionException("'" + value + "' " + Durations.RULE));
        if (d.isZero()) {
            throw new TypeConversionException("'" + value + "' must be longer than 0");
        }
        return d;
    }
}
