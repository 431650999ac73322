package dev.freshet.offline.archive;

import dev.freshet.ingest.broker.EmbeddedKafka;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * What the archiver's tests against the embedded broker share: one broker per test class, an archive
 * root per test, and an allocator per test that must end with nothing leaked.
 */
abstract class ArchiverTestBase {

    /** A clock before every event: no date partition is "past", so only the file count (or a request) compacts. */
    static final Clock EARLY = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

    @TempDir
    static Path brokerDir;
    static EmbeddedKafka broker;

    @TempDir
    Path root;
    BufferAllocator allocator;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.start(0, brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void allocator() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void leaks() {
        allocator.close();
    }
}
