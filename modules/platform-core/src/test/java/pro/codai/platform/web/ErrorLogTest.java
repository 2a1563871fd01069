package pro.codai.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

class ErrorLogTest {

    @Test
    void aFloodIsCutAtTheBudgetAndTheNextLineSaysHowManyWereLeftOut() {
        Logger logger = Logger.getLogger("ErrorLogTest.flood");
        logger.setUseParentHandlers(false);
        List<String> lines = new ArrayList<>();
        logger.addHandler(
                new Handler() {
                    @Override
                    public void publish(LogRecord record) {
                        lines.add(record.getMessage());
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                });
        ErrorLog.reset();

        for (int i = 0; i < 10 * ErrorLog.LINES_PER_MINUTE; i++) {
            ErrorLog.line(logger, Level.WARNING, "refused\nforged line " + i);
        }

        assertThat(lines).hasSize(ErrorLog.LINES_PER_MINUTE);
        assertThat(lines).allMatch(line -> !line.contains("\n"));
        assertThat(lines.get(0)).isEqualTo("refused forged line 0");
    }

    @Test
    void aThrowableIsDescribedWithoutItsStackTrace() {
        Exception thrown =
                new IllegalStateException("outer", new RuntimeException("Input is too deep"));

        String brief = ErrorLog.brief(thrown);

        assertThat(brief)
                .startsWith("java.lang.IllegalStateException: outer at ")
                .contains("; cause java.lang.RuntimeException: Input is too deep at ")
                .doesNotContain("\n");
    }
}
