package pro.codai.platform.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class CsvRowsTest {

    @Test
    void quotedFieldsHoldCommasQuotesAndLineBreaks() throws Exception {
        List<CsvRows.Row> rows =
                CsvRows.parse(
                        "\uFEFFemail,name\r\n"
                                + "a@uni.example,\"Lovelace, Ada\"\r\n"
                                + "b@uni.example,\"Grace \"\"Amazing\"\" Hopper\"\n"
                                + "c@uni.example,\"two\nlines\"\n"
                                + "d@uni.example,\n");
        assertThat(rows).extracting(CsvRows.Row::line).containsExactly(1, 2, 3, 4, 6);
        assertThat(rows.get(0).fields()).containsExactly("email", "name");
        assertThat(rows.get(1).fields()).containsExactly("a@uni.example", "Lovelace, Ada");
        assertThat(rows.get(2).fields())
                .containsExactly("b@uni.example", "Grace \"Amazing\" Hopper");
        assertThat(rows.get(3).fields()).containsExactly("c@uni.example", "two\nlines");
        assertThat(rows.get(4).fields()).containsExactly("d@uni.example", "");
    }

    @Test
    void blankLinesAndAMissingLastLineEndAreFine() throws Exception {
        List<CsvRows.Row> rows = CsvRows.parse("email\n\n\na@uni.example");
        assertThat(rows).extracting(CsvRows.Row::line).containsExactly(1, 4);
        assertThat(rows.get(1).fields()).containsExactly("a@uni.example");
    }

    @Test
    void anOpenQuoteOrAStrayOneIsRefusedWithItsLine() {
        assertThatThrownBy(() -> CsvRows.parse("email\n\"a@uni.example\n"))
                .isInstanceOf(CsvRows.MalformedException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("never closed");
        assertThatThrownBy(() -> CsvRows.parse("email,name\na@uni.example,Ada \"the\" Countess\n"))
                .isInstanceOf(CsvRows.MalformedException.class)
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> CsvRows.parse("email,name\na@uni.example,\"Ada\" L\n"))
                .isInstanceOf(CsvRows.MalformedException.class)
                .hasMessageContaining("after a closing double quote");
    }
}
