package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MllpFramingTest {

    @Test
    void readsConsecutiveFramesAndSkipsBytesBetweenThem() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write('\n');
        MllpListeners.writeFrame(stream, "MSH|1\rPID|1\r".getBytes(StandardCharsets.UTF_8));
        stream.write("noise".getBytes(StandardCharsets.UTF_8));
        MllpListeners.writeFrame(stream, "MSH|2\r".getBytes(StandardCharsets.UTF_8));
        ByteArrayInputStream in = new ByteArrayInputStream(stream.toByteArray());

        assertThat(new String(MllpListeners.readFrame(in, 1024), StandardCharsets.UTF_8))
                .isEqualTo("MSH|1\rPID|1\r");
        assertThat(new String(MllpListeners.readFrame(in, 1024), StandardCharsets.UTF_8))
                .isEqualTo("MSH|2\r");
        assertThat(MllpListeners.readFrame(in, 1024)).isNull();
    }

    @Test
    void aFrameCutOffByTheConnectionIsAnError() {
        ByteArrayInputStream in = new ByteArrayInputStream(new byte[] {0x0B, 'M', 'S', 'H'});
        assertThatThrownBy(() -> MllpListeners.readFrame(in, 1024)).isInstanceOf(IOException.class);
    }

    @Test
    void aFrameOverTheLimitIsReadToItsEndKeepingItsHeadAndTheNextFrameIsRead() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        byte[] large = ("MSH|^~\\&|LIS|LAB|||20260101||ORU^R01|BIG|P|2.5.1\r" + "X".repeat(5000))
                .getBytes(StandardCharsets.UTF_8);
        MllpListeners.writeFrame(stream, large);
        MllpListeners.writeFrame(stream, "MSH|2\r".getBytes(StandardCharsets.UTF_8));
        ByteArrayInputStream in = new ByteArrayInputStream(stream.toByteArray());

        assertThatThrownBy(() -> MllpListeners.readFrame(in, 1000))
                .isInstanceOfSatisfying(MllpListeners.FrameTooLarge.class, e -> {
                    assertThat(e.size).isEqualTo(large.length);
                    assertThat(new String(e.head, StandardCharsets.UTF_8)).startsWith("MSH|^~\\&|LIS|LAB");
                    assertThat(e.head.length).isLessThanOrEqualTo(1001);
                });
        assertThat(new String(MllpListeners.readFrame(in, 1000), StandardCharsets.UTF_8))
                .isEqualTo("MSH|2\r");
    }
}
