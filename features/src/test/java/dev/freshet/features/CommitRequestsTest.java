package dev.freshet.features;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommitRequestsTest {

    /** Commit interval 100 ms: requests at least 25 ms apart (the publish interval); input counts as live up to 200 ms old. */
    private final CommitRequests requests = new CommitRequests(Duration.ofMillis(100));

    @Test
    void asksAtMostOncePerIntervalWhileInputIsLive() {
        assertTrue(requests.claim(10_000, 9_950));
        assertFalse(requests.claim(10_024, 10_020), "within the interval of the last request");
        assertTrue(requests.claim(10_025, 10_020));
        assertFalse(requests.claim(10_030, 10_029));
        assertTrue(requests.claim(10_100, 10_090));
    }

    @Test
    void doesNotAskWhileCatchingUpOnOldInput() {
        assertFalse(requests.claim(10_000, 9_799), "input 201 ms old: a backlog");
        assertTrue(requests.claim(10_001, 9_801), "a refused claim does not count as a request");
        assertFalse(requests.claim(20_000, Long.MIN_VALUE), "no input since the last publication (tiles published again after a restart)");
    }

    @Test
    void inputStampedAheadOfTheClockCountsAsLive() {
        assertTrue(requests.claim(10_000, 15_000));
    }

    @Test
    void eachStreamThreadHasItsOwnInterval() throws InterruptedException {
        assertTrue(requests.claim(10_000, 10_000));
        AtomicBoolean other = new AtomicBoolean();
        Thread t = new Thread(() -> other.set(requests.claim(10_001, 10_001)));
        t.start();
        t.join();
        assertTrue(other.get(), "another thread's commit covers other tasks: its first request is not held back");
        assertFalse(requests.claim(10_002, 10_002));
    }
}
