package io.healthportal.ingest.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A partner's side of an MLLP connection: sends framed messages and reads framed ACKs. */
public final class MllpClient implements AutoCloseable {

    private final Socket socket;

    public MllpClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
    }

    public String send(String message) throws IOException {
        return send(message.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends these bytes as they are, in one frame, and returns the ACK. */
    public String send(byte[] message) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(0x0B);
        out.write(message);
        out.write(0x1C);
        out.write(0x0D);
        out.flush();
        InputStream in = socket.getInputStream();
        int b = in.read();
        if (b != 0x0B) {
            throw new IOException("expected a start block, read " + b);
        }
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        while ((b = in.read()) != 0x1C) {
            if (b < 0) {
                throw new IOException("connection closed inside the ACK");
            }
            ack.write(b);
        }
        in.read();
        return ack.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
