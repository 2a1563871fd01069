package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** With an OTLP endpoint configured, the server exports real traces of its requests. */
class TelemetryIT {

    static final Duration WAIT_FOR_SPANS = Duration.ofSeconds(60);

    @Test
    void requestsToTheApiAreExportedAsSpansOverOtlp() throws Exception {
        Path workDir =
                Files.createTempDirectory(Path.of("target"), "TelemetryIT-").toAbsolutePath();
        try (OtlpReceiver collector = new OtlpReceiver();
                RunningServer server =
                        RunningServer.start(
                                workDir.resolve("data"),
                                Map.of(
                                        "CODAIPRO_OTEL_ENDPOINT",
                                        collector.endpoint(),
                                        "CODAIPRO_JVM_OPTIONS",
                                        "-Dotel.bsp.schedule.delay=200"))) {

            assertThat(Http.get(server.uri("/api/v1/info")).statusCode()).isEqualTo(200);

            List<OtlpReceiver.ReceivedSpan> infoSpans = awaitSpans(collector, WAIT_FOR_SPANS);
            assertThat(infoSpans)
                    .as("spans received: %s", collector.spans())
                    .isNotEmpty()
                    .allSatisfy(span -> assertThat(span.serviceName()).isEqualTo("codaipro"));
        }
    }

    private static List<OtlpReceiver.ReceivedSpan> awaitSpans(
            OtlpReceiver collector, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<OtlpReceiver.ReceivedSpan> matching =
                    collector.spans().stream().filter(TelemetryIT::isInfoRequest).toList();
            if (!matching.isEmpty()) {
                return matching;
            }
            Thread.sleep(200);
        }
        return List.of();
    }

    private static boolean isInfoRequest(OtlpReceiver.ReceivedSpan span) {
        String route = span.attribute("http.route");
        return span.name().contains("/v1/info") || (route != null && route.contains("/v1/info"));
    }
}
