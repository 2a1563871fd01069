package pro.codai.sandbox.lxc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdRangesTest {

    @Test
    void rangesAreDistinctNeverTheCanonicalOneAndReusedAfterRelease() {
        IdRanges ranges = new IdRanges(1_000_000, 65536, 3);

        int first = ranges.take();
        int second = ranges.take();

        assertThat(first).isEqualTo(1_065_536);
        assertThat(second).isEqualTo(1_131_072);
        assertThatThrownBy(ranges::take)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("all 2 sandbox id ranges are in use");
        ranges.release(first);
        assertThat(ranges.inUse()).isEqualTo(1);
        assertThat(ranges.take()).isEqualTo(first);
    }

    @Test
    void releasingSomethingThatIsNotARangeIsRefused() {
        IdRanges ranges = new IdRanges(1_000_000, 65536, 3);

        assertThatThrownBy(() -> ranges.release(1_000_000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ranges.release(1_065_537))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdRanges(2_000_000_000, 65536, 15_000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mountinfoEscapesAreDecoded() {
        assertThat(LxcDriver.unescapeMountPath("/a\\040b\\011c\\134d")).isEqualTo("/a b\tc\\d");
    }
}
