package dev.freshet.app.cli;

import dev.freshet.core.error.TransientException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootstrapProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void parsesHostsPortsAndBracketedIpv6() {
        assertThat(BootstrapProbe.parse("broker-1:9092")).contains(InetSocketAddress.createUnresolved("broker-1", 9092));
        assertThat(BootstrapProbe.parse("[::1]:9092")).contains(InetSocketAddress.createUnresolved("::1", 9092));
        assertThat(BootstrapProbe.parse("broker-1")).isEmpty();
        assertThat(BootstrapProbe.parse("broker-1:x")).isEmpty();
        assertThat(BootstrapProbe.parse("::1:9092")).isEmpty();
        assertThat(BootstrapProbe.parse(":9092")).isEmpty();
    }

    @Test
    void oneListeningServerIsEnough() throws Exception {
        int closed = Examples.freePort();
        try (ServerSocket listening = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            assertThatCode(() -> BootstrapProbe.requireListening(
                    "127.0.0.1:" + closed + ",127.0.0.1:" + listening.getLocalPort(), TIMEOUT, "hint")).doesNotThrowAnyException();
        }
    }

    @Test
    void noneListeningSaysWhyForEach() {
        int closed = Examples.freePort();

        assertThatThrownBy(() -> BootstrapProbe.requireListening("127.0.0.1:" + closed + ",no-such-host.invalid:9092", TIMEOUT,
                "start it"))
                .isInstanceOf(TransientException.class)
                .hasMessage("cannot reach Kafka at 127.0.0.1:" + closed + ",no-such-host.invalid:9092: 127.0.0.1:" + closed
                        + " connection refused (nothing listens there), no-such-host.invalid:9092 unknown host; start it");
    }

    @Test
    void aListItCannotParseIsLeftToKafka() {
        assertThatCode(() -> BootstrapProbe.requireListening("not a list", TIMEOUT, "hint")).doesNotThrowAnyException();
    }
}
