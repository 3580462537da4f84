package dev.helix.adapters.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port where nothing listens, and nothing can start to while this is open: a socket bound
 * to it that never listens holds it, so a connection there is refused. A port found free and closed
 * again is no such thing: on a busy machine another test's server may be handed it the next moment.
 */
public final class DeadPort implements AutoCloseable {
    private final Socket holder;

    private DeadPort(Socket holder) {
        this.holder = holder;
    }

    public static DeadPort open() {
        Socket s = new Socket();
        try {
            s.setReuseAddress(false); // no server may bind beside it, SO_REUSEADDR or not
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new DeadPort(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing was held
            }
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }

    public int port() {
        return holder.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        holder.close();
    }
}
