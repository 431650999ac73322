package dev.freshet.app;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class LogDefaultsTest {

    @Test
    void librariesWarnFreshetInformsAllOnStderr() {
        Properties properties = new Properties();

        LogDefaults.applyTo(properties);

        assertThat(properties)
                .containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "warn")
                .containsEntry("org.slf4j.simpleLogger.log.dev.freshet", "info")
                .containsEntry("org.slf4j.simpleLogger.logFile", "System.err")
                .containsEntry("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss");
    }

    @Test
    void whatTheUserSetIsKept() {
        Properties properties = new Properties();
        properties.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");

        LogDefaults.applyTo(properties);

        assertThat(properties).containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "debug")
                .containsEntry("org.slf4j.simpleLogger.log.dev.freshet", "info");
    }
}
