package io.healthportal.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One partner connection over MLLP: sends a message, waits for its acknowledgement. */
final class MllpSender implements AutoCloseable {

    private static final int START_BLOCK = 0x0B;
    private static final int END_BLOCK = 0x1C;
    private static final int CARRIAGE_RETURN = 0x0D;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    MllpSender(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 10_000);
        // ingest-adapters acknowledges after its database commit; a minute covers a stalled machine.
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /** Sends one framed message and returns the acknowledgement's text. */
    String send(String message) throws IOException {
        out.write(START_BLOCK);
        out.write(message.getBytes(StandardCharsets.UTF_8));
        out.write(END_BLOCK);
        out.write(CARRIAGE_RETURN);
        out.flush();
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        int b = in.read();
        if (b != START_BLOCK) {
            throw new IOException("Expected an MLLP start block, got " + b);
        }
        while ((b = in.read()) != END_BLOCK) {
            if (b < 0) {
                throw new IOException("Connection closed before the acknowledgement ended");
            }
            ack.write(b);
        }
        if (in.read() != CARRIAGE_RETURN) {
            throw new IOException("MLLP end block not followed by a carriage return");
        }
        return ack.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
