package dev.freshet.app.cli;

import picocli.CommandLine.IVersionProvider;

/** The version of Freshet: {@code Implementation-Version} of the jar's manifest, or {@code dev} when run from classes. */
public final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }

    static String line() {
        return "freshet " + current();
    }

    /** The version alone: {@code 0.1.0-SNAPSHOT}, or {@code dev}. */
    static String current() {
        return orDev(Version.class.getPackage().getImplementationVersion());
    }

    static String orDev(String implementationVersion) {
        return implementationVersion == null || implementationVersion.isBlank() ? "dev" : implementationVersion;
    }
}
