package dev.helix.adapters.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The dead port the tests of unreachable servers use: refused while held, and no server can take it. */
class DeadPortTest {

    @Test
    void aConnectionIsRefusedAndAServerCannotBindThePortWhileItIsHeld() throws Exception {
        try (DeadPort dead = DeadPort.open()) {
            InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), dead.port());
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(at, 60_000);
                }
            }).isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> {
                try (ServerSocket server = new ServerSocket()) {
                    server.setReuseAddress(true); // as Java's servers do by default on Linux
                    server.bind(at);
                }
            }).isInstanceOf(BindException.class);
        }
    }
}
