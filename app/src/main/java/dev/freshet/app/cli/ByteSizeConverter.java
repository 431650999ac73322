package dev.freshet.app.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Options that take an amount of memory: {@code 512m}, {@code 2g}, {@code 64k} or plain bytes (powers of 1024). */
final class ByteSizeConverter implements ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("\\s*(\\d{1,12})\\s*([kmg]?)i?b?\\s*");

    @Override
    public Long convert(String value) {
        Matcher m = SIZE.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not an amount of memory (e.g. 512m, 2g)");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (n == 0 || Long.numberOfLeadingZeros(n) <= shift) {
            throw new TypeConversionException("'" + value + "' must be more than 0 and less than 8 EiB");
        }
        return n << shift;
    }
}
