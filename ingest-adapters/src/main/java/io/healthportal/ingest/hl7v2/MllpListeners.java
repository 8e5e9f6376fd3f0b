package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * One MLLP listener per partner that has an {@code mllp-port}, bound to that partner's configured
 * address. A frame is {@code <VT> message <FS><CR>}; each message gets its ACK on the same connection
 * once it is stored. A frame over {@code portal.ingest.max-payload-size} is read to its end and thrown
 * away, and answered {@code AR}, so the connection goes on with the next message. Started after the
 * database is ready, stopped before it closes.
 */
@Component
public class MllpListeners implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MllpListeners.class);
    static final int START_BLOCK = 0x0B;
    static final int END_BLOCK = 0x1C;
    static final int CARRIAGE_RETURN = 0x0D;
    /** Of a frame over the limit, what is kept to address the AR: the MSH is at its start. */
    static final int HEAD_BYTES = 64 * 1024;

    private final IngestProperties properties;
    private final Hl7v2Intake intake;
    private final MllpTls tls;
    private final Map<String, ServerSocket> sockets = new ConcurrentHashMap<>();
    private ExecutorService connections;
    private volatile boolean running;

    MllpListeners(IngestProperties properties, Hl7v2Intake intake, MllpTls tls) {
        this.properties = properties;
        this.intake = intake;
        this.tls = tls;
    }

    /** The port a partner's listener is bound to (useful when it was configured as 0). */
    public int port(String partnerId) {
        ServerSocket socket = sockets.get(partnerId);
        if (socket == null) {
            throw new IllegalArgumentException("No MLLP listener for partner " + partnerId);
        }
        return socket.getLocalPort();
    }

    @Override
    public synchronized void start() {
        AtomicInteger threads = new AtomicInteger();
        connections = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "mllp-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        List<PartnerProperties> mllpPartners =
                properties.partners().stream().filter(p -> p.mllpPort() != null).toList();
        for (PartnerProperties partner : mllpPartners) {
            try {
                SourceAllowlist allowlist = new SourceAllowlist(partner.mllpAllowedSources());
                ServerSocket socket = tls.serverSocket(partner);
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(partner.bindAddress()), partner.mllpPort()));
                sockets.put(partner.id(), socket);
                connections.execute(() -> acceptLoop(partner, allowlist, socket));
                log.info(
                        "MLLP listener for partner {} on {}:{}{}",
                        partner.id(),
                        partner.bindAddress(),
                        socket.getLocalPort(),
                        tls.enabled(partner.id()) ? " (TLS)" : "");
            } catch (IOException e) {
                stop();
                throw new IllegalStateException(
                        "INGEST-MLLP-BIND: cannot listen for partner " + partner.id() + " on " + partner.bindAddress()
                                + ":" + partner.mllpPort(),
                        e);
            }
        }
        running = true;
    }

    private void acceptLoop(PartnerProperties partner, SourceAllowlist allowlist, ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                if (!allowlist.allows(connection.getInetAddress())) {
                    log.warn(
                            "INGEST-MLLP-SOURCE-REFUSED: partner {} listener refused a connection from {}",
                            partner.id(),
                            connection.getInetAddress().getHostAddress());
                    connection.close();
                    continue;
                }
                connections.execute(() -> serve(partner, connection));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    log.warn("INGEST-MLLP-ACCEPT: accept failed for partner {}: {}", partner.id(), e.toString());
                }
            }
        }
    }

    private void serve(PartnerProperties partner, Socket connection) {
        try (connection;
                InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream()) {
            int limit = maxPayloadBytes();
            while (true) {
                String ack;
                try {
                    byte[] frame = readFrame(in, limit);
                    if (frame == null) {
                        return;
                    }
                    ack = intake.receive(partner, frame);
                } catch (FrameTooLarge e) {
                    ack = intake.tooLarge(partner, e.head, e.size, limit);
                }
                writeFrame(out, ack.getBytes(partner.payloadCharset()));
            }
        } catch (SocketException e) {
            log.debug("MLLP connection from partner {} ended: {}", partner.id(), e.toString());
        } catch (IOException e) {
            log.warn("INGEST-MLLP-IO: connection from partner {} failed: {}", partner.id(), e.toString());
        }
    }

    private int maxPayloadBytes() {
        return (int) Math.min(Integer.MAX_VALUE - 8, properties.maxPayloadSize().toBytes());
    }

    /**
     * The next message, or null at end of stream; bytes outside a frame are skipped. A message over {@code
     * maxBytes} is read to its end and dropped: {@link FrameTooLarge} keeps its first bytes and its size.
     */
    static byte[] readFrame(InputStream in, int maxBytes) throws IOException {
        int b;
        do {
            b = in.read();
            if (b < 0) {
                return null;
            }
        } while (b != START_BLOCK);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        byte[] head = null;
        long size = 0;
        while (true) {
            b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside an MLLP frame");
            }
            if (b == END_BLOCK) {
                int next = in.read();
                if (next == CARRIAGE_RETURN || next < 0) {
                    if (head != null) {
                        throw new FrameTooLarge(head, size);
                    }
                    return message.toByteArray();
                }
                // An FS inside the message is data; so is what follows it.
                size++;
                if (head == null) {
                    message.write(b);
                }
                b = next;
            }
            size++;
            if (head == null) {
                message.write(b);
                if (size > maxBytes) {
                    byte[] read = message.toByteArray();
                    head = Arrays.copyOf(read, Math.min(read.length, HEAD_BYTES));
                    message = null;
                }
            }
        }
    }

    static void writeFrame(OutputStream out, byte[] message) throws IOException {
        out.write(START_BLOCK);
        out.write(message);
        out.write(END_BLOCK);
        out.write(CARRIAGE_RETURN);
        out.flush();
    }

    @Override
    public synchronized void stop() {
        running = false;
        sockets.values().forEach(socket -> {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        });
        sockets.clear();
        if (connections != null) {
            connections.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** A frame over the size limit, read to its end: its first bytes and its size. */
    static final class FrameTooLarge extends IOException {
        final byte[] head;
        final long size;

        FrameTooLarge(byte[] head, long size) {
            super("MLLP frame of " + size + " bytes, over the limit");
            this.head = head;
            this.size = size;
        }
    }
}
